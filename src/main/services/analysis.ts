/**
 * The analysis services: weight trajectories of a run's centre (N whole lifetimes with weight snapshots, in a
 * worker, projected on principal components there) and rule inspection of one or two runs' centres (decoded in
 * the calling thread: it is a pass over the genome).
 */
import type { LayerRuleSummary, RuleReport, RunRules, WeightTrajectories } from '../../common/analysis';
import { commonRange, histogram, inspectRules, median, OFF_RELATIVE } from '../../core/analysis/rules';
import { layerColumns, type TrajectoryEvent } from '../../core/analysis/trajectories';
import { runConfig } from '../../core/config';
import { assemble } from '../../core/envs/quadruped/assembly';
import { parseMjcf } from '../../core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { taskNet } from '../../core/tasks';
import { checkDamage, describeDamageEvent, parseDamage, type DamageSchedule } from '../../core/rollout/damage';
import { WHOLE_LIFETIME } from '../../core/rollout/lifetime';
import { StoreError, type Store } from '../store/store';
import type { TrajectoriesTask } from './analysis-worker';
import { centre, runInWorker, type Progress } from './evaluation';

/** Bounds of one analysis: the snapshot matrix (rows × synapses, float32) and the Gram matrix (rows², float64). */
export const MAX_SNAPSHOT_ROWS = 1024;
export const MAX_SNAPSHOT_FLOATS = 1 << 25;

export interface TrajectoryRequest {
  readonly morphology: string;
  readonly generation?: number;
  /** Lifetimes, with recording seeds 1 … N. */
  readonly lifetimes: number;
  /** A weight snapshot every `stride` policy steps. */
  readonly stride: number;
  readonly damage?: unknown;
  /** Layers to analyse (0 = input → first hidden); all when absent. */
  readonly layers?: readonly number[];
}

/** A damage schedule's events as trajectory marks, in policy steps. */
export function damageEvents(schedule: DamageSchedule): TrajectoryEvent[] {
  return schedule.map((e) => ({ label: describeDamageEvent(e), from: e.kind === 'freezeActuators' ? e.from : e.at, to: e.kind === 'freezeActuators' ? e.to : null }));
}

export async function weightTrajectories(store: Store, runId: number, request: TrajectoryRequest, progress?: Progress): Promise<WeightTrajectories> {
  const { lifetimes, stride } = request;
  if (!Number.isInteger(lifetimes) || lifetimes < 2 || lifetimes > 50) throw new StoreError(`lifetimes must be an integer in [2, 50], got ${lifetimes}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > 1000) throw new StoreError(`stride must be an integer in [1, 1000], got ${stride}`);
  const damage = parseDamage(request.damage ?? []);
  const { config, generation, genome } = centre(store, runId, request.generation);
  if (config.env === 'racing') throw new StoreError(`run ${runId} is a racing run: weight trajectories are computed for the quadruped's lifetimes only so far`, 'conflict');
  const sizes = QUADRUPED_MLP.sizes;
  let layers: number[];
  let synapses: number;
  try {
    const chosen = layerColumns(sizes, request.layers);
    layers = chosen.layers;
    synapses = chosen.ranges.reduce((n, [a, b]) => n + b - a, 0);
  } catch (e) {
    throw new StoreError(`layers: ${(e as Error).message}`);
  }
  const perLifetime = Math.ceil((WHOLE_LIFETIME.maxEnvSteps - WHOLE_LIFETIME.burnIn) / stride);
  const rows = perLifetime * lifetimes;
  if (rows > MAX_SNAPSHOT_ROWS || rows * synapses > MAX_SNAPSHOT_FLOATS) {
    throw new StoreError(
      `lifetimes × snapshots per lifetime = ${lifetimes} × ${perLifetime} = ${rows} snapshots of ${synapses} synapses is more than one analysis holds ` +
        `(at most ${MAX_SNAPSHOT_ROWS} snapshots and ${MAX_SNAPSHOT_FLOATS} weights): use fewer lifetimes or a longer stride`,
    );
  }
  const { mjcf } = store.morphology(request.morphology);
  checkDamage(damage, assemble(parseMjcf(mjcf, request.morphology)).joints.length, sizes);
  const seeds = Array.from({ length: lifetimes }, (_, k) => k + 1);
  const task: TrajectoriesTask = {
    physics: config.physics, policy: config.policy, genome, morphology: { name: request.morphology, mjcf }, damage, seeds, stride, layers, events: damageEvents(damage),
  };
  const started = Date.now();
  const r = await runInWorker<Omit<WeightTrajectories, 'runId' | 'name' | 'generation' | 'morphology' | 'stride' | 'seeds' | 'damage' | 'wallMs'>>(
    'analysis-worker', { task }, progress);
  return { runId, name: store.getRun(runId).name, generation, morphology: request.morphology, stride, seeds, damage, ...r, wallMs: Date.now() - started };
}

export interface RulesRequest {
  readonly generation?: number;
  /** A synapse is off when its strength is below this share of its layer's median (default 0.01). */
  readonly offRelative?: number;
  readonly bins?: number;
}

/** One or two runs' evolved rules, per layer, with histograms over ranges shared between the runs. */
export function inspectRunRules(store: Store, runIds: readonly number[], request: RulesRequest = {}): RuleReport {
  const offRelative = request.offRelative ?? OFF_RELATIVE;
  const bins = request.bins ?? 40;
  if (!(offRelative >= 0 && offRelative < 1)) throw new StoreError(`offRelative must be in [0, 1), got ${offRelative}`);
  const inspected = runIds.map((id) => {
    const config = runConfig(store.getRun(id).config);
    if (config.policy.kind !== 'hebbian') throw new StoreError(`run ${id} is a static network: it has no plasticity rules to inspect`, 'conflict');
    const c = centre(store, id, request.generation);
    return { id, generation: c.generation, rules: inspectRules(taskNet(config.env), config.policy, c.genome, offRelative) };
  });
  // The same coefficient of the same layer shares its bins across runs; runs with other rules only share labels they have.
  const range = (layer: number, label: string): [number, number] =>
    commonRange(inspected.flatMap((r) => r.rules.layers[layer]?.coefficients.filter((c) => c.label === label).map((c) => c.values) ?? []));
  const logs = inspected.map((r) => r.rules.layers.map((l) => Float32Array.from(Array.from(l.strength).filter((s) => s > 0), Math.log10)));
  const runs = inspected.map(({ id, generation, rules }, k): RunRules => ({
    runId: id,
    name: store.getRun(id).name,
    generation,
    rule: rules.rule,
    indexing: rules.indexing,
    layers: rules.layers.map((l): LayerRuleSummary => {
      const [slo, shi] = commonRange(logs.map((perRun) => perRun[l.layer] ?? new Float32Array()));
      const a = l.coefficients.find((c) => c.label === 'A');
      const eta = l.coefficients.find((c) => c.label === 'η');
      return {
        layer: l.layer, nIn: l.nIn, nOut: l.nOut, synapses: l.strength.length,
        coefficients: l.coefficients.map((c) => {
          const [lo, hi] = range(l.layer, c.label);
          let sum = 0;
          let min = Infinity;
          let max = -Infinity;
          for (const v of c.values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          return { label: c.label, min, max, mean: sum / c.values.length, median: median(c.values), histogram: histogram(c.values, lo, hi, bins) };
        }),
        strengthLog10: { ...histogram(logs[k]![l.layer]!, slo, shi, bins), zeros: l.strength.length - logs[k]![l.layer]!.length },
        medianStrength: l.medianStrength, offBelow: l.offBelow, off: l.off, offShare: l.offShare,
        scatter: a && eta ? { a: Array.from(a.values), eta: Array.from(eta.values) } : null,
      };
    }),
  }));
  return { offRelative, bins, runs };
}
