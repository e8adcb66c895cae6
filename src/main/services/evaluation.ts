/**
 * Evaluation of a run's ES centre on chosen morphologies, and the paper's comparison table (spec §6.3): rows are
 * runs grouped by everything but their seed and name, columns morphologies, cells mean ± std over all episodes.
 */
import type { Comparison, ComparisonCell } from '../../common/model';
import { runConfig, type RunConfig } from '../../core/config';
import { loadAmmo } from '../../core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../core/envs/quadruped/quadruped-env';
import { decodeEsState } from '../../core/es';
import { parseMjcf } from '../../core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { makePolicy, type Policy } from '../../core/policy/policies';
import { checkDamage, parseDamage } from '../../core/rollout/damage';
import { recordingStreams, runLifetime, testStreams } from '../../core/rollout/lifetime';
import { encodeRecording } from '../../core/rollout/recording-codec';
import { summarise } from '../../core/stats';
import { StoreError, type EpisodeRow, type EvaluationRow, type Store } from '../store/store';

/** The ES centre of a stored generation (default: the latest checkpointed one) as a ready policy. */
function centre(store: Store, runId: number, generation?: number): { config: RunConfig; generation: number; policy: Policy } {
  const config = runConfig(store.getRun(runId).config);
  const saved = store.checkpoint(runId, generation);
  if (!saved) {
    const kept = store.checkpointGenerations(runId);
    throw new StoreError(
      generation === undefined
        ? `run ${runId} has no trained generation yet`
        : `run ${runId} has no checkpoint for generation ${generation} (kept: ${kept.join(', ') || 'none'})`,
    );
  }
  const state = decodeEsState(saved.state);
  return { config, generation: saved.generation, policy: makePolicy(QUADRUPED_MLP, config.policy, state.theta) };
}

/** Runs `body` with a fresh env of the named stored morphology, disposing it afterwards. */
async function withMorphology<T>(store: Store, name: string, body: (env: QuadrupedEnv, mjcf: string) => T): Promise<T> {
  const { mjcf } = store.morphology(name);
  const env = new QuadrupedEnv(await loadAmmo(), parseMjcf(mjcf, name));
  try {
    return body(env, mjcf);
  } finally {
    env.dispose();
  }
}

export interface EvaluateOptions {
  readonly morphologies: readonly string[];
  readonly episodes: number;
  /** Default: the latest checkpointed generation. */
  readonly generation?: number;
}

/** Runs `episodes` test lifetimes of the run's ES centre on each morphology and stores them. */
export async function evaluateRun(store: Store, runId: number, options: EvaluateOptions): Promise<EvaluationRow[]> {
  if (!Number.isInteger(options.episodes) || options.episodes < 1 || options.episodes > 10_000) {
    throw new StoreError(`episodes must be an integer in [1, 10000], got ${options.episodes}`);
  }
  const { config, generation, policy } = centre(store, runId, options.generation);
  for (const name of options.morphologies) store.morphology(name); // unknown names fail before any work
  const rows: EvaluationRow[] = [];
  for (const name of options.morphologies) {
    // Episode e starts every morphology from the same seeds (common random numbers across columns).
    const results = await withMorphology(store, name, (env) =>
      Array.from({ length: options.episodes }, (_, e) => runLifetime(env, policy, testStreams(config.seed, generation, e))));
    rows.push(store.addEvaluation({
      runId, generation, morphology: name, seen: config.morphologies.includes(name),
      fitness: results.map((r) => r.fitness), distance: results.map((r) => r.distance),
    }));
  }
  return rows;
}

export interface RecordOptions {
  readonly morphology: string;
  /** Picks the lifetime's initial state and weights; the same seed gives the same episode. */
  readonly seed: number;
  /** Default: the latest checkpointed generation. */
  readonly generation?: number;
  /** A damage schedule (validated here; errors name the field, e.g. `damage.0.to`). */
  readonly damage?: unknown;
  /** Weight snapshots every this many policy steps (default 10; 0 for none). */
  readonly weightStride?: number;
}

/** Records one test lifetime of the run's ES centre and stores it as an episode for replay. */
export async function recordEpisode(store: Store, runId: number, options: RecordOptions): Promise<EpisodeRow> {
  const damage = parseDamage(options.damage ?? []);
  const weightStride = options.weightStride ?? 10;
  if (!Number.isInteger(weightStride) || weightStride < 0) throw new StoreError(`weightStride must be a non-negative integer, got ${weightStride}`);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new StoreError(`seed must be a non-negative integer, got ${options.seed}`);
  const { generation, policy } = centre(store, runId, options.generation);
  const { result, mjcf } = await withMorphology(store, options.morphology, (env, text) => {
    checkDamage(damage, env, policy);
    return { result: runLifetime(env, policy, recordingStreams(options.seed), { damage, record: { weightStride } }), mjcf: text };
  });
  return store.addEpisode({
    runId, generation, morphology: options.morphology, mjcf, seed: options.seed, damage,
    fitness: result.fitness, distance: result.distance, steps: result.steps, envSteps: result.envSteps,
    trajectory: encodeRecording(result.recording!),
  });
}

/** The group of a run: its config without name and seed. */
function groupKey(c: RunConfig): string {
  const { name: _n, seed: _s, ...rest } = c;
  return JSON.stringify(rest);
}

function label(c: RunConfig): string {
  return c.policy.kind === 'static' ? 'static' : `hebbian ${c.policy.rule}${c.policy.init === 'uni' ? '' : ` (${c.policy.init})`}`;
}

interface Pool {
  fitness: number[];
  distance: number[];
  complete: boolean;
  seen: boolean;
}

/** Groups runs and pools, per morphology, the episodes of each run's latest evaluation on it. */
export function compareRuns(store: Store, runIds: readonly number[]): Comparison {
  const groups = new Map<string, { label: string; runs: number[]; episodes: Map<string, Pool> }>();
  const columns = new Set<string>();
  for (const id of runIds) {
    const config = runConfig(store.getRun(id).config);
    const key = groupKey(config);
    const group = groups.get(key) ?? { label: label(config), runs: [] as number[], episodes: new Map<string, Pool>() };
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
  const rows = [...groups.values()].map((g) => ({
    label: g.label,
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
