/**
 * Evaluation of a run's ES centre on chosen morphologies, and the paper's comparison table (docs/METHOD.md#evaluation): rows are
 * runs grouped by everything but their seed and name, columns morphologies, cells mean ± std over all episodes.
 */
import type { Comparison, ComparisonCell } from '../../common/model';
import { runConfig, type RunConfig } from '../../core/config';
import { assemble } from '../../core/envs/quadruped/assembly';
import { decodeEsState } from '../../core/es';
import { centreGenome } from '../../core/merge/merge';
import { CAR_ACTIONS } from '../../core/policy/car-policy';
import { parseMjcf } from '../../core/morphology/mjcf';
import { checkDamage, parseDamage } from '../../core/rollout/damage';
import { summarise } from '../../core/stats';
import { RACING_BODY, taskNet, UNSEEN_TRACKS } from '../../core/tasks';
import { differingPaths, fnv1a } from '../../common/config-paths';
import { StoreError, type EpisodeRow, type EvaluationRow, type Store } from '../store/store';
import { initialState } from '../training/coordinator';
import { startWorker } from '../worker-entry';
import type { LifetimeOutcome, LifetimeTask, MorphologySource } from './lifetimes';

/** Progress of a long task: lifetimes done of total. */
export type Progress = (done: number, total: number) => void;

/**
 * The centre of generation g: the one whose candidates produced generation g's record (checkpoint g). Generation 0
 * is the initial centre, rebuilt from the run's config; the default is the latest checkpoint, the centre after the
 * last update (for a finished run of G generations, generation G: the trained result). The genome is always the
 * ordinary one (a coefficient row per synapse): a merging run's table is expanded through its assignment.
 */
export function centre(store: Store, runId: number, generation?: number): { config: RunConfig; generation: number; genome: Float32Array } {
  const config = runConfig(store.getRun(runId).config);
  const saved = store.checkpoint(runId, generation);
  if (saved) {
    const state = decodeEsState(saved.state);
    if (state.generation !== saved.generation) {
      throw new StoreError(`checkpoint ${saved.generation} of run ${runId} holds the ES state of generation ${state.generation} (corrupt row)`);
    }
    return { config, generation: saved.generation, genome: centreGenome(taskNet(config.env), config.policy, state.theta, state.assignment) };
  }
  // A merging run's generation 0 is one rule per synapse: its table is the ordinary genome.
  if (generation === 0) return { config, generation: 0, genome: initialState(config).theta };
  if (generation === undefined) {
    throw new StoreError(`run ${runId} has no trained generation yet (generation 0, its initial centre, can be tested)`, 'conflict');
  }
  const kept = [0, ...store.checkpointGenerations(runId)];
  throw new StoreError(`run ${runId} has no checkpoint for generation ${generation} (kept: ${kept.join(', ')})`, 'not-found');
}

/** Runs a lifetime task in a worker thread, so the caller's event loop (IPC, web server, events) stays free. */
export function inWorker<K extends LifetimeOutcome['kind']>(task: LifetimeTask, progress?: Progress): Promise<Extract<LifetimeOutcome, { kind: K }>> {
  return runInWorker('lifetimes-worker', { task }, progress);
}

/**
 * Runs worker entry `entry` (a file beside this one) on `data`: it posts progress, then its outcome or failure
 * (the protocol of lifetimes-worker and analysis-worker).
 */
export function runInWorker<T>(entry: string, data: Record<string, unknown>, progress?: Progress): Promise<T> {
  return new Promise((ok, fail) => {
    const worker = startWorker(import.meta.url, entry, data);
    let settled = false;
    worker.on('message', (m: { kind: 'progress'; done: number; total: number } | { kind: 'done'; outcome: unknown } | { kind: 'failed'; message: string }) => {
      if (m.kind === 'progress') {
        progress?.(m.done, m.total);
        return;
      }
      settled = true;
      if (m.kind === 'done') ok(m.outcome as T);
      else fail(new Error(`${entry}: ${m.message}`));
    });
    worker.on('error', (e) => {
      settled = true;
      fail(e);
    });
    worker.on('exit', (code) => {
      if (!settled) fail(new Error(`${entry} exited (code ${code}) before finishing`));
    });
  });
}

export interface EvaluateOptions {
  readonly morphologies: readonly string[];
  readonly episodes: number;
  /** The centre of this generation (0: the initial one); default: the latest checkpoint. */
  readonly generation?: number;
}

/** Runs `episodes` test lifetimes of the run's ES centre on each morphology (in a worker) and stores them. */
export async function evaluateRun(store: Store, runId: number, options: EvaluateOptions, progress?: Progress): Promise<EvaluationRow[]> {
  if (!Number.isInteger(options.episodes) || options.episodes < 1 || options.episodes > 10_000) {
    throw new StoreError(`episodes must be an integer in [1, 10000], got ${options.episodes}`);
  }
  const { config, generation, genome } = centre(store, runId, options.generation);
  const racing = config.env === 'racing';
  if (racing && options.morphologies.length > 0) {
    throw new StoreError(`morphologies: run ${runId} is a racing run: it is evaluated on unseen tracks, not on bodies (leave them out)`);
  }
  // The car's one column: test-stream tracks, which no training lifetime drives.
  const morphologies: MorphologySource[] = racing
    ? [{ name: UNSEEN_TRACKS, mjcf: '' }]
    : options.morphologies.map((name) => ({ name, mjcf: store.morphology(name).mjcf }));
  const { results } = await inWorker<'evaluated'>(
    { kind: 'evaluate', env: config.env, physics: config.physics, policy: config.policy, genome, seed: config.seed, generation, episodes: options.episodes, morphologies },
    progress,
  );
  // Stored together: an evaluation is either all there or not at all.
  return store.addEvaluations(morphologies.map((m, i) =>
    ({ runId, generation, morphology: m.name, seen: config.morphologies.includes(m.name), fitness: results[i]!.fitness, distance: results[i]!.distance })));
}

/**
 * The body a run's episodes and experiments live in: the named morphology for the quadruped (required), the car
 * for a racing run (a morphology is refused: there is only the one car).
 */
export function bodyOf(store: Store, config: RunConfig, morphology: string | undefined, fallback?: string): MorphologySource {
  if (config.env === 'racing') {
    if (morphology !== undefined) throw new StoreError(`morphology: a racing run drives gym's car, it has no bodies to choose (leave "${morphology}" out)`);
    return { name: RACING_BODY, mjcf: '' };
  }
  const name = morphology ?? fallback;
  if (name === undefined) throw new StoreError('morphology: name the body to run the quadruped on');
  return { name, mjcf: store.morphology(name).mjcf };
}

export interface RecordOptions {
  /** The quadruped's body (required); none for a racing run. */
  readonly morphology?: string;
  /** Picks the lifetime's initial state and weights; the same seed gives the same episode. */
  readonly seed: number;
  /** The centre of this generation (0: the initial one); default: the latest checkpoint. */
  readonly generation?: number;
  /** A damage schedule (validated here; errors name the field, e.g. `damage.0.to`). */
  readonly damage?: unknown;
  /** Weight snapshots every this many policy steps (default DEFAULT_WEIGHT_STRIDE, the car CAR_WEIGHT_STRIDE; 0 for none). */
  readonly weightStride?: number;
  /**
   * Stop early as the fitness protocol does (default false: the whole lifetime runs, so a damage window late in
   * it, or a recovery after a stall, is always seen).
   */
  readonly earlyStop?: boolean;
}

/** Policy steps between the weight snapshots a recording keeps for the replay's heat-maps. */
export const DEFAULT_WEIGHT_STRIDE = 10;
/**
 * The car's plastic layers hold 91 328 weights (the quadruped's 12 288): snapshots every 50 steps keep a
 * whole-lifetime car episode near 7 MB, as every 10 steps keeps the quadruped's near 5 MB.
 */
export const CAR_WEIGHT_STRIDE = 50;

function defaultWeightStride(config: RunConfig): number {
  return config.env === 'racing' ? CAR_WEIGHT_STRIDE : DEFAULT_WEIGHT_STRIDE;
}

/** Records one test lifetime of the run's ES centre (in a worker) and stores it as an episode for replay. */
export async function recordEpisode(store: Store, runId: number, options: RecordOptions, progress?: Progress): Promise<EpisodeRow> {
  const damage = parseDamage(options.damage ?? []);
  if (options.weightStride !== undefined && (!Number.isInteger(options.weightStride) || options.weightStride < 0)) {
    throw new StoreError(`weightStride must be a non-negative integer, got ${options.weightStride}`);
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new StoreError(`seed must be a non-negative integer, got ${options.seed}`);
  const earlyStop = options.earlyStop ?? false;
  const { config, generation, genome } = centre(store, runId, options.generation);
  const body = bodyOf(store, config, options.morphology);
  const weightStride = options.weightStride ?? defaultWeightStride(config);
  checkDamage(damage, actuatorCount(config, body), taskNet(config.env).sizes, config.env);
  const r = await inWorker<'recorded'>(
    { kind: 'record', env: config.env, physics: config.physics, policy: config.policy, genome, seed: options.seed, morphology: body, damage, weightStride, earlyStop },
    progress,
  );
  return store.addEpisode({
    runId, generation, morphology: body.name, mjcf: body.mjcf, seed: options.seed, damage,
    fitness: r.fitness, distance: r.distance, steps: r.steps, envSteps: r.envSteps, earlyStop, trajectory: r.trajectory,
  });
}

/** The actuators damage can address: the body's joints, or the car's steer, gas and brake. */
export function actuatorCount(config: RunConfig, body: MorphologySource): number {
  return config.env === 'racing' ? CAR_ACTIONS : assemble(parseMjcf(body.mjcf, body.name)).joints.length;
}

/** The group of a run: its config without name, seed, held-out testing and checkpoint keeping (none changes training). */
function groupKey(c: RunConfig): string {
  const { name: _n, seed: _s, heldout: _h, checkpoints: _c, ...rest } = c;
  return JSON.stringify(rest);
}

function label(c: RunConfig): string {
  return c.policy.kind === 'static' ? 'static' : `hebbian ${c.policy.rule}${c.policy.init === 'uni' ? '' : ` (${c.policy.init})`}`;
}

/** Config paths `label` already names. */
const LABELLED = new Set(['policy.kind', 'policy.rule', 'policy.init']);
/** Short words for the paths that most often tell groups apart. */
const WORDS: Record<string, (v: unknown) => string> = {
  'es.popSize': (v) => `pop ${String(v)}`,
  generations: (v) => `${String(v)} generations`,
  morphologies: (v) => (Array.isArray(v) ? v.join(' + ') : String(v)),
};

/**
 * One label per group that tells it apart from the others compared with it: the network, then every config value
 * in which the groups differ ("hebbian ABCD_lr · pop 16 · standard").
 */
function groupLabels(configs: readonly RunConfig[]): string[] {
  // A path only some groups have (a Hebbian rule's settings beside a static net) is told apart by the network's name.
  const differing = differingPaths(configs.map((c) => JSON.parse(groupKey(c)) as unknown)).filter(
    (d) => !LABELLED.has(d.key) && new Set(d.values.filter((v) => v !== undefined)).size > 1,
  );
  const word = (key: string, json: string | undefined): string => {
    if (json === undefined) return '';
    const value = JSON.parse(json) as unknown;
    return WORDS[key]?.(value) ?? `${key} ${typeof value === 'string' ? value : json}`;
  };
  return configs.map((c, i) => [label(c), ...differing.map((d) => word(d.key, d.values[i]))].filter((w) => w !== '').join(' · '));
}

interface Pool {
  fitness: number[];
  distance: number[];
  complete: boolean;
  seen: boolean;
}

/** Groups runs and pools, per morphology, the episodes of each run's latest evaluation on it. */
export function compareRuns(store: Store, runIds: readonly number[]): Comparison {
  const groups = new Map<string, { config: RunConfig; runs: number[]; episodes: Map<string, Pool> }>();
  const columns = new Set<string>();
  for (const id of runIds) {
    const config = runConfig(store.getRun(id).config);
    const key = groupKey(config);
    const group = groups.get(key) ?? { config, runs: [] as number[], episodes: new Map<string, Pool>() };
    groups.set(key, group);
    group.runs.push(id);
    const latest = new Map<string, EvaluationRow>();
    for (const e of store.evaluations(id)) latest.set(e.morphology, e);
    for (const e of latest.values()) {
      columns.add(e.morphology);
      const cell = group.episodes.get(e.morphology) ?? { fitness: [], distance: [], complete: true, seen: e.seen };
      cell.fitness.push(...e.fitness);
      cell.distance.push(...e.distance);
      cell.complete &&= e.distance.length === e.fitness.length;
      group.episodes.set(e.morphology, cell);
    }
  }
  const order = ['standard', 'damaged-right', 'damaged-left'];
  const morphologies = [...columns].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const labels = groupLabels([...groups.values()].map((g) => g.config));
  const rows = [...groups].map(([key, g], k) => ({
    key: fnv1a(key),
    label: labels[k]!,
    runs: g.runs,
    cells: Object.fromEntries(
      [...g.episodes].map(([m, c]): [string, ComparisonCell] => {
        const { mean, std } = summarise(c.fitness);
        const d = c.complete ? summarise(c.distance) : null;
        return [m, { mean, std, distance: d && { mean: d.mean, std: d.std }, episodes: c.fitness.length, seen: c.seen }];
      }),
    ),
  }));
  return { morphologies, rows };
}
