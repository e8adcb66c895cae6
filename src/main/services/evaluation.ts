/**
 * Evaluation of a run's ES centre on chosen morphologies, and the paper's comparison table (spec §6.3): rows are
 * runs grouped by everything but their seed and name, columns morphologies, cells mean ± std over all episodes.
 */
import { runConfig, type RunConfig } from '../../core/config';
import { loadAmmo } from '../../core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../core/envs/quadruped/quadruped-env';
import { decodeEsState } from '../../core/es';
import { parseMjcf } from '../../core/morphology/mjcf';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { makePolicy } from '../../core/policy/policies';
import { runLifetime, testStreams } from '../../core/rollout/lifetime';
import { summarise } from '../../core/stats';
import { StoreError, type EvaluationRow, type Store } from '../store/store';

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
  const config = runConfig(store.getRun(runId).config);
  const saved = store.checkpoint(runId, options.generation);
  if (!saved) {
    const kept = store.checkpointGenerations(runId);
    throw new StoreError(
      options.generation === undefined
        ? `run ${runId} has no trained generation yet`
        : `run ${runId} has no checkpoint for generation ${options.generation} (kept: ${kept.join(', ') || 'none'})`,
    );
  }
  const mjcf = options.morphologies.map((name) => store.morphology(name));
  const state = decodeEsState(saved.state);
  const policy = makePolicy(QUADRUPED_MLP, config.policy, state.theta);
  const ammo = await loadAmmo();
  const rows: EvaluationRow[] = [];
  for (const m of mjcf) {
    const env = new QuadrupedEnv(ammo, parseMjcf(m.mjcf, m.name));
    try {
      // Episode e starts every morphology from the same seeds (common random numbers across columns).
      const fitness = Array.from({ length: options.episodes }, (_, e) => runLifetime(env, policy, testStreams(config.seed, saved.generation, e)).fitness);
      rows.push(store.addEvaluation({ runId, generation: saved.generation, morphology: m.name, seen: config.morphologies.includes(m.name), fitness }));
    } finally {
      env.dispose();
    }
  }
  return rows;
}

export interface ComparisonCell {
  readonly mean: number;
  readonly std: number;
  readonly episodes: number;
  readonly seen: boolean;
}

export interface ComparisonRow {
  readonly label: string;
  readonly runs: number[];
  readonly cells: Record<string, ComparisonCell>;
}

export interface Comparison {
  readonly morphologies: string[];
  readonly rows: ComparisonRow[];
}

/** The group of a run: its config without name and seed. */
function groupKey(c: RunConfig): string {
  const { name: _n, seed: _s, ...rest } = c;
  return JSON.stringify(rest);
}

function label(c: RunConfig): string {
  return c.policy.kind === 'static' ? 'static' : `hebbian ${c.policy.rule}${c.policy.init === 'uni' ? '' : ` (${c.policy.init})`}`;
}

/** Groups runs and pools, per morphology, the episodes of each run's latest evaluation on it. */
export function compareRuns(store: Store, runIds: readonly number[]): Comparison {
  const groups = new Map<string, { label: string; runs: number[]; episodes: Map<string, { fitness: number[]; seen: boolean }> }>();
  const columns = new Set<string>();
  for (const id of runIds) {
    const config = runConfig(store.getRun(id).config);
    const key = groupKey(config);
    const group = groups.get(key) ?? { label: label(config), runs: [] as number[], episodes: new Map<string, { fitness: number[]; seen: boolean }>() };
    groups.set(key, group);
    group.runs.push(id);
    const latest = new Map<string, EvaluationRow>();
    for (const e of store.evaluations(id)) latest.set(e.morphology, e);
    for (const e of latest.values()) {
      columns.add(e.morphology);
      const cell = group.episodes.get(e.morphology) ?? { fitness: [], seen: e.seen };
      cell.fitness.push(...e.fitness);
      group.episodes.set(e.morphology, cell);
    }
  }
  const order = ['standard', 'damaged-right', 'damaged-left'];
  const morphologies = [...columns].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const rows = [...groups.values()].map((g) => ({
    label: g.label,
    runs: g.runs,
    cells: Object.fromEntries(
      [...g.episodes].map(([m, c]) => {
        const { mean, std } = summarise(c.fitness);
        return [m, { mean, std, episodes: c.fitness.length, seen: c.seen }];
      }),
    ),
  }));
  return { morphologies, rows };
}
