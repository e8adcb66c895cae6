/**
 * How long a run would take on this machine, before it starts: from the throughput measured by the generations
 * already trained in this store (env steps per second of wall time, and env steps per lifetime, which early
 * stopping makes shorter than the 1 040-step bound). Held-out tests are counted as the lifetimes they are.
 */
import { runConfig, type EnvName, type RunConfig } from '../../core/config';
import { CAR_HEBBIAN } from '../../core/policy/car-policy';
import { PAPER_TASKS, type Estimate, type PaperTask } from '../../common/api';
import { lifetimesPerCandidate } from '../../core/tasks';
import type { Store } from '../store/store';
import { heldoutColumns, heldoutDue } from '../training/heldout';

export interface Throughput {
  /** Env steps per second of a generation's wall time (the evaluator pool's speed, coordination included). */
  readonly envStepsPerSecond: number;
  /** Mean env steps of one training lifetime. */
  readonly stepsPerLifetime: number;
  /** Generations the figures come from. */
  readonly generations: number;
}

/** Generations looked at: the most recent ones, so a faster or slower machine state shows through. */
const RECENT = 200;

/** This store's measured throughput over its most recent generations, or null before any was trained. */
export function measuredThroughput(store: Store, env: RunConfig['env'] = 'quadruped'): Throughput | null {
  let steps = 0;
  let ms = 0;
  let lifetimes = 0;
  let generations = 0;
  const runs = store.listRuns().sort((a, b) => b.updatedAt - a.updatedAt);
  for (const run of runs) {
    if (generations >= RECENT) break;
    let config: RunConfig;
    try {
      config = runConfig(run.config);
    } catch {
      continue; // a run this version cannot read does not tell us the speed
    }
    if (config.env !== env) continue;
    for (const g of store.generations(run.id).slice(-(RECENT - generations))) {
      if (!(g.wallMs > 0) || !(g.envSteps > 0)) continue;
      steps += g.envSteps;
      ms += g.wallMs;
      lifetimes += config.es.popSize * lifetimesPerCandidate(config);
      generations++;
    }
  }
  return generations === 0 ? null : { envStepsPerSecond: (1000 * steps) / ms, stepsPerLifetime: steps / lifetimes, generations };
}

/** Lifetimes a run lives in all: training (population × bodies per generation) and its held-out tests. */
export function lifetimesOf(config: RunConfig): number {
  const training = config.generations * config.es.popSize * lifetimesPerCandidate(config);
  let tests = 0;
  for (let g = 0; g < config.generations; g++) if (heldoutDue(config, g)) tests++;
  return training + tests * config.heldout.episodes * heldoutColumns(config).length;
}

/** Seconds `config` would take at `throughput`. */
export function estimateSeconds(config: RunConfig, throughput: Throughput): number {
  return (lifetimesOf(config) * throughput.stepsPerLifetime) / throughput.envStepsPerSecond;
}

/** How a task is called in words (the car's env is `racing`). */
const TASK_WORD: Readonly<Record<EnvName, string>> = { quadruped: 'quadruped', racing: 'car' };

/**
 * The car's ES settings as the paper's code ran them (docs/METHOD.md#es-hyper-parameters, train_hebb / train_static defaults): population 200,
 * α 0.2 × 0.995, σ 0.1 × 0.999 per generation, for 300 generations. Written out so the queue keeps the paper's
 * numbers even if the workbench's defaults move.
 */
const CAR_PAPER_ES = { popSize: 200, lr: 0.2, lrDecay: 0.995, sigma: 0.1, sigmaDecay: 0.999 } as const;
const CAR_PAPER_GENERATIONS = 300;

/**
 * The paper's experiment, per seed: for the quadruped Hebbian and static runs on standard + damaged-right, tested on
 * damaged-left as they train; for the car (CarRacing-v0 from pixels) the Hebbian network of the paper (CAR_HEBBIAN:
 * ABCD_lr with per-layer max-abs normalisation) and the static one, tested on unseen tracks as they train. All
 * quadruped runs first, then the car's.
 */
export function paperConfigs(seeds: readonly number[], generations?: number, tasks: readonly PaperTask[] = PAPER_TASKS): RunConfig[] {
  const kinds = ['hebbian', 'static'] as const;
  const quadruped = (): RunConfig[] => seeds.flatMap((seed) =>
    kinds.map((kind) =>
      runConfig({
        name: `paper ${kind} seed ${seed}`, policy: { kind }, morphologies: ['standard', 'damaged-right'], seed, ...(generations ? { generations } : {}),
        heldout: { morphologies: ['damaged-left'], every: 10, episodes: 5 }, // the generalisation curve on the paper's unseen body
      })));
  const car = (): RunConfig[] => seeds.flatMap((seed) =>
    kinds.map((kind) =>
      runConfig({
        name: `paper car ${kind} seed ${seed}`, env: 'racing', policy: kind === 'hebbian' ? CAR_HEBBIAN : { kind }, seed,
        es: CAR_PAPER_ES, generations: generations ?? CAR_PAPER_GENERATIONS,
        heldout: { tracks: true, every: 10, episodes: 5 }, // the generalisation curve on tracks no training lifetime drives
      })));
  return PAPER_TASKS.filter((t) => tasks.includes(t)).flatMap((t) => (t === 'quadruped' ? quadruped() : car()));
}

const basisOf = (t: Throughput): string =>
  `measured over the last ${t.generations} generation${t.generations === 1 ? '' : 's'} trained here: ${Math.round(t.envStepsPerSecond)} env steps/s, ${Math.round(t.stepsPerLifetime)} steps a lifetime`;

/**
 * The expected duration of `configs` run one after another (the queue trains one run at a time). Each task at its
 * own measured speed — a car step (pixels, a CNN) costs other than a quadruped's — and no time at all while a task
 * in the list has not been measured in this store.
 */
export function estimate(store: Store, configs: readonly RunConfig[]): Estimate {
  const lifetimes = configs.reduce((n, c) => n + lifetimesOf(c), 0);
  const envs = [...new Set(configs.map((c) => c.env))];
  const bases: string[] = [];
  let seconds: number | null = 0;
  for (const env of envs) {
    const t = measuredThroughput(store, env);
    const mine = configs.filter((c) => c.env === env);
    const label = envs.length > 1 ? `${TASK_WORD[env]} runs: ` : '';
    if (!t) {
      seconds = null;
      bases.push(`${label}nothing measured yet: no ${TASK_WORD[env]} generation has been trained in this store (the first one measures the speed)`);
      continue;
    }
    const mineSeconds = mine.reduce((s, c) => s + estimateSeconds(c, t), 0);
    if (seconds !== null) seconds += mineSeconds;
    bases.push(envs.length > 1 ? `${label}about ${(mineSeconds / 3600).toFixed(1)} h, ${basisOf(t)}` : basisOf(t));
  }
  return { seconds, lifetimes, basis: bases.join('; ') };
}
