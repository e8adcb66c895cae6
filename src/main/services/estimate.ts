/**
 * How long a run would take on this machine, before it starts: from the throughput measured by the generations
 * already trained in this store (env steps per second of wall time, and env steps per lifetime, which early
 * stopping makes shorter than the 1 040-step bound). Held-out tests are counted as the lifetimes they are.
 */
import { runConfig, type RunConfig } from '../../core/config';
import type { Estimate } from '../../common/api';
import { lifetimesPerCandidate } from '../../core/tasks';
import type { Store } from '../store/store';
import { heldoutDue } from '../training/heldout';

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
  return training + tests * config.heldout.episodes * config.heldout.morphologies.length;
}

/** Seconds `config` would take at `throughput`. */
export function estimateSeconds(config: RunConfig, throughput: Throughput): number {
  return (lifetimesOf(config) * throughput.stepsPerLifetime) / throughput.envStepsPerSecond;
}

/** The paper's experiment: Hebbian and static runs per seed on standard + damaged-right, tested on damaged-left. */
export function paperConfigs(seeds: readonly number[], generations?: number): RunConfig[] {
  return seeds.flatMap((seed) =>
    (['hebbian', 'static'] as const).map((kind) =>
      runConfig({
        name: `paper ${kind} seed ${seed}`, policy: { kind }, morphologies: ['standard', 'damaged-right'], seed, ...(generations ? { generations } : {}),
        heldout: { morphologies: ['damaged-left'], every: 10, episodes: 5 }, // the generalisation curve on the paper's unseen body
      })));
}

/** The expected duration of `configs` run one after another (the queue trains one run at a time). */
export function estimate(store: Store, configs: readonly RunConfig[]): Estimate {
  const lifetimes = configs.reduce((n, c) => n + lifetimesOf(c), 0);
  const t = measuredThroughput(store, configs[0]?.env);
  if (!t) return { seconds: null, lifetimes, basis: 'nothing measured yet: no generation has been trained in this store (the first one measures the speed)' };
  const seconds = configs.reduce((s, c) => s + estimateSeconds(c, t), 0);
  const basis = `measured over the last ${t.generations} generation${t.generations === 1 ? '' : 's'} trained here: ${Math.round(t.envStepsPerSecond)} env steps/s, ${Math.round(t.stepsPerLifetime)} steps a lifetime`;
  return { seconds, lifetimes, basis };
}
