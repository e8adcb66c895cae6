/**
 * Damage experiments (docs/METHOD.md#damage-experiments): a recipe's conditions run as whole lifetimes of each run's ES centre, over the
 * same seeds, in a worker thread; summarised per condition (Σ progress and distance per seed, the mean
 * cumulative-progress curve, speeds around the perturbation, per-seed recovery) and stored as one self-contained row.
 */
import type { ExperimentCondition, ExperimentRow, ExperimentRunResult, SpeedWindows } from '../../common/model';
import { checkDamage } from '../../core/rollout/damage';
import { meanSpeed, parseRecipe, perturbation, recipeApplies, recipeConditions, type Recipe } from '../../core/rollout/recipes';
import { RECOVERY_THRESHOLD, recoveryWindows, summariseRecovery } from '../../core/rollout/recovery';
import { taskNet } from '../../core/tasks';
import { StoreError, type Store } from '../store/store';
import { actuatorCount, bodyOf, centre, inWorker } from './evaluation';

/** The window the speeds are averaged over, in policy steps. */
const WINDOW = 100;

export interface ExperimentOptions {
  readonly recipe: unknown;
  readonly runIds: readonly number[];
  /** The quadruped's body (default standard); none for racing runs. */
  readonly morphology?: string;
  readonly seeds: readonly number[];
  /** The centre of this generation of every run (0: the initial one); default: each run's latest checkpoint. */
  readonly generation?: number;
  /** Share of the speed before the perturbation a lifetime must regain to count as recovered (default 0.8). */
  readonly recoveryThreshold?: number;
}

function speeds(recipe: Recipe, perStep: readonly Float32Array[]): SpeedWindows | null {
  const p = perturbation(recipe);
  if (!p) return null;
  const mean = (from: number, to: number): number => perStep.reduce((s, x) => s + meanSpeed(x, from, to), 0) / perStep.length;
  return { before: mean(p.start - WINDOW, p.start), after: mean(p.end, p.end + WINDOW), late: mean(p.end + WINDOW, Number.MAX_SAFE_INTEGER) };
}

/** Mean over lifetimes of Σ progress after each step (lifetimes are whole, so all have the same length). */
function meanCurve(perStep: readonly Float32Array[]): number[] {
  const n = Math.min(...perStep.map((x) => x.length));
  const curve = new Array<number>(n);
  const sums = new Float64Array(perStep.length);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let k = 0; k < perStep.length; k++) {
      sums[k]! += perStep[k]![t]!;
      s += sums[k]!;
    }
    curve[t] = Math.round((s / perStep.length) * 1000) / 1000;
  }
  return curve;
}

export async function runExperiment(store: Store, options: ExperimentOptions, progress?: (runId: number, done: number, total: number) => void): Promise<ExperimentRow> {
  const recipe = parseRecipe(options.recipe);
  const threshold = options.recoveryThreshold ?? RECOVERY_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new StoreError(`recoveryThreshold: must be in (0, 1], got ${threshold}`);
  const windows = recoveryWindows(recipe, undefined, threshold);
  const seeds = [...options.seeds];
  if (seeds.length === 0 || seeds.length > 50) throw new StoreError(`seeds: give 1 to 50 seeds, got ${seeds.length}`);
  if (seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new StoreError('seeds: every seed must be a non-negative integer');
  if (new Set(seeds).size !== seeds.length) throw new StoreError('seeds: each seed once');
  const runIds = [...new Set(options.runIds)];
  if (runIds.length === 0) throw new StoreError('runIds: choose at least one run');
  // Every run is checked before any work starts: a bad id fails the request, not the third run of it.
  const sources = runIds.map((id) => ({ id, name: store.getRun(id).name, ...centre(store, id, options.generation) }));
  const { env } = sources[0]!.config;
  const other = sources.find((s) => s.config.env !== env);
  if (other) throw new StoreError(`runIds: run ${other.id} is a ${other.config.env} run and run ${sources[0]!.id} a ${env} run; one experiment damages one task`);
  const body = bodyOf(store, sources[0]!.config, options.morphology, 'standard');
  const conditions = recipeConditions(recipe);
  for (const c of conditions) checkDamage(c.damage, actuatorCount(sources[0]!.config, body), taskNet(env).sizes, env);

  const started = Date.now();
  const results: ExperimentRunResult[] = [];
  const skipped: { runId: number; reason: string }[] = [];
  for (const s of sources) {
    const policy = s.config.policy.kind;
    if (!recipeApplies(recipe, policy)) {
      skipped.push({ runId: s.id, reason: 'a static network has no plasticity to stop' });
      continue;
    }
    const lifetimes = conditions.flatMap((c) => seeds.map((seed) => ({ seed, damage: c.damage })));
    const { results: runs } = await inWorker<'curves'>(
      { kind: 'curves', env, physics: s.config.physics, policy: s.config.policy, genome: s.genome, morphology: body, lifetimes },
      (done, total) => progress?.(s.id, done, total),
    );
    results.push({
      runId: s.id, name: s.name, policy, generation: s.generation,
      conditions: conditions.map((c, ci): ExperimentCondition => {
        const mine = runs.slice(ci * seeds.length, (ci + 1) * seeds.length);
        const perStep = mine.map((r) => r.progress);
        return {
          label: c.label, damage: c.damage, ...(c.at !== undefined ? { at: c.at } : {}),
          fitness: mine.map((r) => r.fitness), distance: mine.map((r) => r.distance),
          meanCurve: meanCurve(perStep), speed: speeds(recipe, perStep), recovery: windows && summariseRecovery(perStep, windows),
        };
      }),
    });
  }
  return store.addExperiment({ recipe, morphology: body.name, seeds, runIds, results, skipped, wallMs: Date.now() - started });
}
