/**
 * The experiment store: one SQLite file (better-sqlite3), WAL, foreign keys, numbered migrations at open.
 *
 * Opening never damages a file it cannot use: a foreign or corrupt file, or one written by a newer workbench, is
 * inspected read-only and refused with a message saying which, before anything is written.
 */
import Database from 'better-sqlite3';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeRow, EvaluationRow, ExperimentRow, GenerationRecord, HeldoutRecord, RunRow, RunStatus } from '../../common/model';
import type { CheckpointPolicy } from '../../core/config';
import { summarise } from '../../core/stats';
import { MIGRATIONS } from './migrations';
import { ownerAlive } from './owner';
import { corruptCondition, registerRowCrc, rowProblem, type CheckedTable } from './row-checks';
import { APPLICATION_ID, checkIntegrity, inspectStoreFile, StoreFileError } from './store-file';

export { APPLICATION_ID };
export { ownerAlive, processOwner } from './owner';

export type { EpisodeRow, EvaluationRow, ExperimentRow, GenerationRecord, HeldoutRecord, RunRow, RunStatus };

export const SCHEMA_VERSION = MIGRATIONS.length;

export class StoreError extends Error {
  /** 'not-found': no such run / episode / morphology; 'conflict': the store's state forbids it; else bad input or file. */
  constructor(message: string, readonly kind: 'invalid' | 'not-found' | 'conflict' = 'invalid') {
    super(message);
    this.name = 'StoreError';
  }
}

/** `$XDG_DATA_HOME/hebbian-workbench/workbench.db` (XDG default `~/.local/share`). */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'hebbian-workbench', 'workbench.db');
}

/** A run's progress figures, aggregated over its generation records. */
export interface RunStats {
  readonly generations: number;
  readonly lastMean: number | null;
  readonly bestMean: number | null;
  readonly bestMax: number | null;
  readonly wallMs: number;
}

/** What `addEpisode` stores: an episode's row fields and its trajectory blob. */
export type NewEpisode = Omit<EpisodeRow, 'id' | 'createdAt'> & { readonly trajectory: Uint8Array };

/** What `addExperiment` stores. */
export type NewExperiment = Omit<ExperimentRow, 'id' | 'createdAt'>;

/** Checkpoints kept by default: the latest three, plus the centre of the best generation (run config `checkpoints`). */
const DEFAULT_KEEP: CheckpointPolicy = { keep: 'latest', count: 3 };

/** Refuses a row whose values do not match its checksum (a flipped bit in the file), naming it. */
function checked<T extends object>(table: CheckedTable, row: T): T {
  const problem = rowProblem(table, row as Record<string, unknown>);
  if (problem) throw new StoreError(problem);
  return row;
}

/** Non-finite numbers would be stored as NULL (or fail a NOT NULL column): refuse them, naming which. */
function requireFinite(what: string, values: Readonly<Record<string, number>>): void {
  const bad = Object.entries(values).filter(([, v]) => !Number.isFinite(v));
  if (bad.length > 0) throw new StoreError(`${what} was not stored: ${bad.map(([k, v]) => `${k} is ${v}`).join(', ')} (not a finite number)`);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StoreError(`${where} is not valid JSON (corrupt row)`);
  }
}

function numberList(text: string, where: string): number[] {
  const list = parseJson(text, where);
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'number')) throw new StoreError(`${where} is not a list of numbers (corrupt row)`);
  return list as number[];
}

/** Every episode column but the trajectory blob (fetched on its own). */
const EPISODE_COLUMNS = 'id, run_id, generation, morphology, mjcf, seed, damage, fitness, distance, steps, env_steps, early_stop, created_at, crc';

interface RawExperiment {
  id: number; recipe: string; morphology: string; seeds: string; run_ids: string; results: string; skipped: string; wall_ms: number; created_at: number;
}

interface RawEpisode {
  id: number; run_id: number; generation: number; morphology: string; mjcf: string; seed: number; damage: string;
  fitness: number; distance: number; steps: number; env_steps: number; early_stop: number; created_at: number;
}

interface RawRun {
  id: number;
  name: string;
  config: string;
  seed: number;
  status: RunStatus;
  error: string | null;
  tags: string;
  notes: string;
  owner: string | null;
  created_at: number;
  updated_at: number;
}

export class Store {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /**
   * Opens (creating if needed) and migrates the database at `path`; `:memory:` for a throw-away store.
   * `nativeBinding`: the better-sqlite3 addon to load instead of the default (Electron needs its own ABI's build).
   */
  static open(path: string, options: { nativeBinding?: string } = {}): Store {
    let inspected;
    try {
      inspected = path === ':memory:' ? undefined : inspectStoreFile(path, SCHEMA_VERSION);
    } catch (e) {
      throw e instanceof StoreFileError ? new StoreError(e.message) : e;
    }
    let db: Database.Database;
    try {
      db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    } catch (e) {
      throw new StoreError(`cannot open ${path}: ${(e as Error).message}`);
    }
    registerRowCrc(db);
    try {
      if (inspected) checkIntegrity(db, path, inspected);
    } catch (e) {
      throw e instanceof StoreFileError ? new StoreError(e.message) : e;
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      const store = new Store(db);
      store.migrate();
      return store;
    } catch (e) {
      db.close();
      if (e instanceof StoreError) throw e;
      throw new StoreError(`cannot prepare ${path}: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Whether anything but the schema and the built-in bodies is stored (a store just created holds nothing). */
  holdsUserData(): boolean {
    const count = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    return count('SELECT count(*) FROM runs') + count('SELECT count(*) FROM episodes') + count('SELECT count(*) FROM experiments') +
      count('SELECT count(*) FROM morphologies WHERE builtin = 0') > 0;
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Applies the missing migrations, each in its own transaction. Foreign keys are off meanwhile (the pragma cannot
   * change inside a transaction): a migration rebuilding a parent table drops it, which must neither cascade into
   * its children nor be refused. Before each commits, every reference is checked; a broken one rolls it back.
   */
  private migrate(): void {
    const from = this.schemaVersion;
    if (from === MIGRATIONS.length) return;
    this.db.pragma('foreign_keys = OFF');
    try {
      for (let v = from; v < MIGRATIONS.length; v++) {
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]!);
          const broken = this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
          if (broken.length > 0) {
            const first = broken[0]!;
            throw new StoreError(`migration ${v + 1} was not applied: ${broken.length} row(s) would refer to missing ones (first: ${first.table} row ${first.rowid} → ${first.parent}); it was rolled back and the store stays at schema ${v}`);
          }
          this.db.pragma(`user_version = ${v + 1}`);
          this.db.pragma(`application_id = ${APPLICATION_ID}`);
        })();
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  // --- runs --------------------------------------------------------------------------------------------

  createRun(run: { name: string; config: unknown; seed: number; status?: RunStatus; tags?: readonly string[]; notes?: string }): RunRow {
    const now = Date.now();
    const info = this.db
      .prepare('INSERT INTO runs (name, config, seed, status, tags, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(run.name, JSON.stringify(run.config), run.seed, run.status ?? 'queued', JSON.stringify(run.tags ?? []), run.notes ?? '', now, now);
    return this.getRun(Number(info.lastInsertRowid));
  }

  getRun(id: number): RunRow {
    const raw = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    if (!raw) throw new StoreError(`no run with id ${id}`, 'not-found');
    return this.toRun(raw);
  }

  listRuns(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RawRun[]).map((r) => this.toRun(r));
  }

  /** Sets a run's status (not 'running': a trainer claims a run with `claimRun`). */
  setRunStatus(id: number, status: Exclude<RunStatus, 'running'>, error: string | null = null): void {
    const info = this.db.prepare('UPDATE runs SET status = ?, error = ?, owner = NULL, updated_at = ? WHERE id = ?').run(status, error, Date.now(), id);
    if (info.changes === 0) throw new StoreError(`no run with id ${id}`, 'not-found');
  }

  /**
   * Asks the process training a run to pause or stop it after its generation in flight: the status changes, the
   * owner stays until that process lets the run go (so nobody else can claim it meanwhile).
   */
  requestInterrupt(id: number, status: 'paused' | 'stopped'): void {
    const info = this.db.prepare("UPDATE runs SET status = ?, updated_at = ? WHERE id = ? AND status = 'running'").run(status, Date.now(), id);
    if (info.changes === 0) throw new StoreError(`run ${id} is not running`, 'conflict');
  }

  /**
   * Marks the run 'running' under `owner`. Refused while another live process trains it, so two processes (a
   * GUI and a CLI, say) never train one run; a run left 'running' by a process that died can be claimed.
   */
  claimRun(id: number, owner: string): void {
    this.db.transaction(() => {
      const run = this.getRun(id);
      if (run.owner !== null && run.owner !== owner && ownerAlive(run.owner)) {
        throw new StoreError(`run ${id} is being trained by another process (${run.owner ?? 'unknown'})`, 'conflict');
      }
      this.db.prepare("UPDATE runs SET status = 'running', error = NULL, owner = ?, updated_at = ? WHERE id = ?").run(owner, Date.now(), id);
    }).immediate();
  }

  /** Replaces a run's tags and / or notes. */
  annotateRun(id: number, change: { tags?: readonly string[]; notes?: string }): void {
    this.db.transaction(() => {
      this.getRun(id);
      if (change.tags) this.db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify([...new Set(change.tags)]), id);
      if (change.notes !== undefined) this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(change.notes, id);
    })();
  }

  /** Per run (or for one run): generations done, the latest and best population mean, the best max, Σ wall time. */
  runStats(runId?: number): Map<number, RunStats> {
    const rows = this.db
      .prepare(
        `SELECT run_id, COUNT(*) AS n, MAX(mean) AS best_mean, MAX(max) AS best_max, SUM(wall_ms) AS wall, SUM(${corruptCondition('generations', 'g')}) AS corrupt,
                (SELECT g2.mean FROM generations g2 WHERE g2.run_id = g.run_id ORDER BY g2.generation DESC LIMIT 1) AS last_mean
         FROM generations g ${runId === undefined ? '' : 'WHERE run_id = ?'} GROUP BY run_id`,
      )
      .all(...(runId === undefined ? [] : [runId])) as { run_id: number; n: number; best_mean: number; best_max: number; wall: number; last_mean: number; corrupt: number }[];
    const bad = rows.find((r) => r.corrupt > 0);
    if (bad) this.generations(bad.run_id); // names the corrupt row
    return new Map(rows.map((r) => [r.run_id, { generations: r.n, lastMean: r.last_mean, bestMean: r.best_mean, bestMax: r.best_max, wallMs: r.wall }]));
  }

  deleteRun(id: number): void {
    const info = this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    if (info.changes === 0) throw new StoreError(`no run with id ${id}`, 'not-found');
  }

  private toRun(r: RawRun): RunRow {
    checked('runs', r);
    const tags = parseJson(r.tags, `runs.tags of run ${r.id}`);
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new StoreError(`runs.tags of run ${r.id} is not a list of strings (corrupt row)`);
    return {
      id: r.id,
      name: r.name,
      config: parseJson(r.config, `runs.config of run ${r.id}`),
      seed: r.seed,
      status: r.status,
      error: r.error,
      tags,
      notes: r.notes,
      owner: r.owner,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  // --- generations and checkpoints ---------------------------------------------------------------------

  /**
   * Records a finished generation g and the ES state after its update in one transaction (DESIGN: durability),
   * then prunes checkpoints as `keep` says (the latest and the best always stay). Checkpoint g is the centre of generation g: the one
   * whose candidates produced record g; so `next` is stored as checkpoint g + 1, and generation 0's centre is
   * never stored (it is a pure function of the run's config). The generation's held-out tests land with it.
   * Callers emit events only after this returns.
   */
  commitGeneration(runId: number, record: GenerationRecord, next: Uint8Array, heldout: readonly HeldoutRecord[] = [], keep: CheckpointPolicy = DEFAULT_KEEP): void {
    requireFinite(`generation ${record.generation} of run ${runId}`, { mean: record.mean, max: record.max, min: record.min, std: record.std, lr: record.lr, sigma: record.sigma, ...record.perMorphology });
    for (const h of heldout) requireFinite(`the held-out test on ${h.morphology} of generation ${h.generation}`, { mean: h.mean, std: h.std });
    for (const h of heldout) {
      if (h.generation !== record.generation) throw new StoreError(`a held-out test of generation ${h.generation} cannot be committed with generation ${record.generation}`);
      if (h.fitness.length !== h.episodes || h.distance.length !== h.episodes) throw new StoreError(`a held-out test on ${h.morphology} needs ${h.episodes} fitness and distance values`);
    }
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO generations (run_id, generation, mean, max, min, std, per_morphology, lr, sigma, env_steps, wall_ms, blown_up)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, record.generation, record.mean, record.max, record.min, record.std, JSON.stringify(record.perMorphology),
          record.lr, record.sigma, record.envSteps, record.wallMs, record.blownUp);
      this.db.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, ?, ?)').run(runId, record.generation + 1, next);
      const test = this.db.prepare('INSERT INTO heldout (run_id, generation, morphology, episodes, mean, std, fitness, distance, env_steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const h of heldout) test.run(runId, h.generation, h.morphology, h.episodes, h.mean, h.std, JSON.stringify(h.fitness), JSON.stringify(h.distance), h.envSteps);
      // The centre that produced the best generation (by population mean) is kept.
      const best = this.db.prepare('SELECT generation FROM generations WHERE run_id = ? ORDER BY mean DESC, generation LIMIT 1').get(runId) as { generation: number };
      this.db.prepare('UPDATE checkpoints SET best = (generation = ?) WHERE run_id = ?').run(best.generation, runId);
      if (keep.keep === 'latest') {
        this.db
          .prepare(
            `DELETE FROM checkpoints WHERE run_id = ? AND best = 0 AND generation NOT IN
               (SELECT generation FROM checkpoints WHERE run_id = ? ORDER BY generation DESC LIMIT ?)`,
          )
          .run(runId, runId, keep.count);
      } else if (keep.keep === 'every') {
        this.db
          .prepare('DELETE FROM checkpoints WHERE run_id = ? AND best = 0 AND generation % ? != 0 AND generation != ?')
          .run(runId, keep.count, record.generation + 1);
      }
      this.db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(Date.now(), runId);
    })();
  }

  /** A run's held-out tests, from generation `from` on, by generation (then body name). */
  heldout(runId: number, from = 0): HeldoutRecord[] {
    const rows = this.db.prepare('SELECT * FROM heldout WHERE run_id = ? AND generation >= ? ORDER BY generation, morphology').all(runId, from) as {
      generation: number; morphology: string; episodes: number; mean: number; std: number; fitness: string; distance: string; env_steps: number;
    }[];
    return rows.map((r) => {
      checked('heldout', r);
      const where = (column: string): string => `heldout.${column} of run ${runId} generation ${r.generation} on ${r.morphology}`;
      return {
        generation: r.generation, morphology: r.morphology, episodes: r.episodes, mean: r.mean, std: r.std,
        fitness: numberList(r.fitness, where('fitness')), distance: numberList(r.distance, where('distance')), envSteps: r.env_steps,
      };
    });
  }

  /** A run's generation records, from generation `from` on. */
  generations(runId: number, from = 0): GenerationRecord[] {
    const rows = this.db.prepare('SELECT * FROM generations WHERE run_id = ? AND generation >= ? ORDER BY generation').all(runId, from) as {
      generation: number; mean: number; max: number; min: number; std: number; per_morphology: string; lr: number; sigma: number; env_steps: number; wall_ms: number;
      blown_up: number;
    }[];
    return rows.map((r) => {
      checked('generations', r);
      const per = parseJson(r.per_morphology, `generations.per_morphology of run ${runId} generation ${r.generation}`);
      if (typeof per !== 'object' || per === null || Array.isArray(per)) {
        throw new StoreError(`generations.per_morphology of run ${runId} generation ${r.generation} is not an object (corrupt row)`);
      }
      return {
        generation: r.generation, mean: r.mean, max: r.max, min: r.min, std: r.std, perMorphology: per as Record<string, number>,
        lr: r.lr, sigma: r.sigma, envSteps: r.env_steps, wallMs: r.wall_ms, blownUp: r.blown_up,
      };
    });
  }

  /**
   * The checkpoint of `generation` (default: the latest), or undefined if the run has none. Checkpoint g holds the
   * ES state at the start of generation g (its `generation` field is g).
   */
  checkpoint(runId: number, generation?: number): { generation: number; state: Uint8Array } | undefined {
    const row = (generation === undefined
      ? this.db.prepare('SELECT run_id, generation, state, crc FROM checkpoints WHERE run_id = ? ORDER BY generation DESC LIMIT 1').get(runId)
      : this.db.prepare('SELECT run_id, generation, state, crc FROM checkpoints WHERE run_id = ? AND generation = ?').get(runId, generation)) as
      | { generation: number; state: Buffer }
      | undefined;
    return row && checked('checkpoints', row) && { generation: row.generation, state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength) };
  }

  /** The kept checkpoints, oldest first, the centre of the best generation marked. */
  keptCheckpoints(runId: number): { generation: number; best: boolean }[] {
    return (this.db.prepare('SELECT run_id, generation, best, crc FROM checkpoints WHERE run_id = ? ORDER BY generation').all(runId) as { generation: number; best: number }[])
      .map((r) => checked('checkpoints', r))
      .map((r) => ({ generation: r.generation, best: r.best === 1 }));
  }

  checkpointGenerations(runId: number): number[] {
    return (this.db.prepare('SELECT run_id, generation, crc FROM checkpoints WHERE run_id = ? ORDER BY generation').all(runId) as { generation: number }[]).map((r) => checked('checkpoints', r).generation);
  }

  // --- evaluations ----------------------------------------------------------------------------------------

  addEvaluation(e: { runId: number; generation: number; morphology: string; seen: boolean; fitness: readonly number[]; distance: readonly number[] }): EvaluationRow {
    const n = e.fitness.length;
    if (n === 0) throw new StoreError('an evaluation needs at least one episode');
    if (e.distance.length !== n) throw new StoreError(`an evaluation needs one distance per episode (${n}), got ${e.distance.length}`);
    requireFinite(`an evaluation of run ${e.runId}`, Object.fromEntries([...e.fitness.map((f, i) => [`fitness[${i}]`, f]), ...e.distance.map((d, i) => [`distance[${i}]`, d])]));
    const { mean, std } = summarise(e.fitness);
    const info = this.db
      .prepare('INSERT INTO evaluations (run_id, generation, morphology, seen, episodes, mean, std, fitness, distance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.runId, e.generation, e.morphology, e.seen ? 1 : 0, n, mean, std, JSON.stringify(e.fitness), JSON.stringify(e.distance), Date.now());
    return {
      id: Number(info.lastInsertRowid), runId: e.runId, generation: e.generation, morphology: e.morphology, seen: e.seen, episodes: n, mean, std,
      fitness: [...e.fitness], distance: [...e.distance],
    };
  }

  evaluations(runId: number): EvaluationRow[] {
    const rows = this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId) as {
      id: number; run_id: number; generation: number; morphology: string; seen: number; episodes: number; mean: number; std: number; fitness: string; distance: string;
    }[];
    return rows.map((r) => checked('evaluations', r)).map((r) => ({
      id: r.id, runId: r.run_id, generation: r.generation, morphology: r.morphology, seen: r.seen === 1, episodes: r.episodes, mean: r.mean, std: r.std,
      fitness: numberList(r.fitness, `evaluations.fitness of evaluation ${r.id}`),
      distance: numberList(r.distance, `evaluations.distance of evaluation ${r.id}`),
    }));
  }

  // --- episodes -----------------------------------------------------------------------------------------

  addEpisode(e: NewEpisode): EpisodeRow {
    requireFinite(`an episode of run ${e.runId}`, { fitness: e.fitness, distance: e.distance });
    const info = this.db
      .prepare(
        `INSERT INTO episodes (run_id, generation, morphology, mjcf, seed, damage, fitness, distance, steps, env_steps, early_stop, trajectory, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.runId, e.generation, e.morphology, e.mjcf, e.seed, JSON.stringify(e.damage), e.fitness, e.distance, e.steps, e.envSteps, e.earlyStop ? 1 : 0, e.trajectory, Date.now());
    return this.episode(Number(info.lastInsertRowid));
  }

  /** A run's recorded episodes (or every run's), newest last. */
  episodes(runId?: number): EpisodeRow[] {
    const rows = (runId === undefined
      ? this.db.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes ORDER BY id`).all()
      : this.db.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE run_id = ? ORDER BY id`).all(runId)) as RawEpisode[];
    return rows.map((r) => this.toEpisode(r));
  }

  episode(id: number): EpisodeRow {
    const raw = this.db
      .prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = ?`)
      .get(id) as RawEpisode | undefined;
    if (!raw) throw new StoreError(`no episode with id ${id}`, 'not-found');
    return this.toEpisode(raw);
  }

  /** The episode's trajectory blob (decode with `decodeRecording`). */
  episodeTrajectory(id: number): Uint8Array {
    const row = this.db.prepare('SELECT trajectory FROM episodes WHERE id = ?').get(id) as { trajectory: Buffer } | undefined;
    if (!row) throw new StoreError(`no episode with id ${id}`, 'not-found');
    return new Uint8Array(row.trajectory.buffer, row.trajectory.byteOffset, row.trajectory.byteLength);
  }

  deleteEpisode(id: number): void {
    if (this.db.prepare('DELETE FROM episodes WHERE id = ?').run(id).changes === 0) throw new StoreError(`no episode with id ${id}`, 'not-found');
  }

  addExperiment(e: NewExperiment): ExperimentRow {
    const info = this.db
      .prepare('INSERT INTO experiments (recipe, morphology, seeds, run_ids, results, skipped, wall_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(JSON.stringify(e.recipe), e.morphology, JSON.stringify(e.seeds), JSON.stringify(e.runIds), JSON.stringify(e.results), JSON.stringify(e.skipped), Math.round(e.wallMs), Date.now());
    return this.experiment(Number(info.lastInsertRowid));
  }

  /** Every damage experiment, oldest first. */
  experiments(): ExperimentRow[] {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY id').all() as RawExperiment[]).map((r) => this.toExperiment(r));
  }

  experiment(id: number): ExperimentRow {
    const raw = this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as RawExperiment | undefined;
    if (!raw) throw new StoreError(`no experiment with id ${id}`, 'not-found');
    return this.toExperiment(raw);
  }

  deleteExperiment(id: number): void {
    if (this.db.prepare('DELETE FROM experiments WHERE id = ?').run(id).changes === 0) throw new StoreError(`no experiment with id ${id}`, 'not-found');
  }

  private toExperiment(r: RawExperiment): ExperimentRow {
    checked('experiments', r);
    const where = (column: string): string => `experiments.${column} of experiment ${r.id}`;
    const results = parseJson(r.results, where('results'));
    const skipped = parseJson(r.skipped, where('skipped'));
    if (!Array.isArray(results)) throw new StoreError(`${where('results')} is not a list (corrupt row)`);
    if (!Array.isArray(skipped)) throw new StoreError(`${where('skipped')} is not a list (corrupt row)`);
    return {
      id: r.id, recipe: parseJson(r.recipe, where('recipe')), morphology: r.morphology, seeds: numberList(r.seeds, where('seeds')),
      runIds: numberList(r.run_ids, where('run_ids')), results: results as ExperimentRow['results'], skipped: skipped as ExperimentRow['skipped'],
      wallMs: r.wall_ms, createdAt: r.created_at,
    };
  }

  private toEpisode(r: RawEpisode): EpisodeRow {
    checked('episodes', r);
    return {
      id: r.id, runId: r.run_id, generation: r.generation, morphology: r.morphology, mjcf: r.mjcf, seed: r.seed,
      damage: parseJson(r.damage, `episodes.damage of episode ${r.id}`),
      fitness: r.fitness, distance: r.distance, steps: r.steps, envSteps: r.env_steps, earlyStop: r.early_stop !== 0, createdAt: r.created_at,
    };
  }

  // --- morphologies -------------------------------------------------------------------------------------

  /** Adds the built-in presets that are missing (by name); user morphologies are never overwritten. */
  ensureMorphologies(presets: readonly { name: string; mjcf: string }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO morphologies (name, mjcf, builtin, created_at) VALUES (?, ?, 1, ?)');
    this.db.transaction(() => presets.forEach((p) => insert.run(p.name, p.mjcf, Date.now())))();
  }

  saveMorphology(name: string, mjcf: string): void {
    const existing = this.db.prepare('SELECT builtin FROM morphologies WHERE name = ?').get(name) as { builtin: number } | undefined;
    if (existing?.builtin) throw new StoreError(`morphology '${name}' is built in and cannot be replaced; save it under another name`, 'conflict');
    this.db
      .prepare('INSERT INTO morphologies (name, mjcf, builtin, created_at) VALUES (?, ?, 0, ?) ON CONFLICT(name) DO UPDATE SET mjcf = excluded.mjcf')
      .run(name, mjcf, Date.now());
  }

  deleteMorphology(name: string): void {
    const row = this.morphology(name);
    if (row.builtin) throw new StoreError(`morphology '${name}' is built in and cannot be deleted`, 'conflict');
    this.db.prepare('DELETE FROM morphologies WHERE name = ?').run(name);
  }

  morphology(name: string): { name: string; mjcf: string; builtin: boolean } {
    const row = this.db.prepare('SELECT name, mjcf, builtin, crc FROM morphologies WHERE name = ?').get(name) as { name: string; mjcf: string; builtin: number } | undefined;
    if (!row) throw new StoreError(`no morphology named '${name}'`, 'not-found');
    checked('morphologies', row);
    return { name: row.name, mjcf: row.mjcf, builtin: row.builtin === 1 };
  }

  listMorphologies(): { name: string; builtin: boolean }[] {
    return (this.db.prepare('SELECT name, builtin FROM morphologies ORDER BY builtin DESC, name').all() as { name: string; builtin: number }[]).map((r) => ({
      name: r.name,
      builtin: r.builtin === 1,
    }));
  }
}
