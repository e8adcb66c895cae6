/**
 * The experiment store: one SQLite file (better-sqlite3), WAL, foreign keys, numbered migrations at open.
 *
 * Opening never damages a file it cannot use: a foreign or corrupt file, or one written by a newer workbench, is
 * inspected read-only and refused with a message saying which, before anything is written.
 *
 * `Store` is the facade the rest of the workbench uses; the SQL lives in one repository per table family
 * (runs.ts, generations.ts with checkpoints.ts, evaluations.ts, episodes.ts, experiments.ts, morphologies.ts).
 */
import Database from 'better-sqlite3';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeRow, EvaluationRow, ExperimentRow, GenerationRecord, HeldoutRecord, RunRow, RunStatus } from '../../common/model';
import type { CheckpointPolicy } from '../../core/config';
import { CheckpointRepository } from './checkpoints';
import { EpisodeRepository, type NewEpisode } from './episodes';
import { EvaluationRepository, type NewEvaluation } from './evaluations';
import { ExperimentRepository, type NewExperiment } from './experiments';
import { DEFAULT_KEEP, GenerationRepository, type RunStats } from './generations';
import { MIGRATIONS } from './migrations';
import { MorphologyRepository } from './morphologies';
import { registerRowCrc } from './row-checks';
import { RunRepository, type NewRun } from './runs';
import { StoreError } from './store-error';
import { APPLICATION_ID, checkIntegrity, inspectStoreFile, StoreFileError } from './store-file';

export { APPLICATION_ID, StoreError };
export { ownerAlive, processOwner } from './owner';

export type { EpisodeRow, EvaluationRow, ExperimentRow, GenerationRecord, HeldoutRecord, NewEpisode, NewEvaluation, NewExperiment, NewRun, RunRow, RunStats, RunStatus };

export const SCHEMA_VERSION = MIGRATIONS.length;

/** `$XDG_DATA_HOME/hebbian-workbench/workbench.db` (XDG default `~/.local/share`). */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'hebbian-workbench', 'workbench.db');
}

export class Store {
  /** The connection, for tests that inspect or damage the file on purpose; the workbench goes through the methods. */
  readonly db: Database.Database;
  // One repository per table family; those named …Records / …Rows are named apart from the facade's methods.
  private readonly runs: RunRepository;
  private readonly checkpoints: CheckpointRepository;
  private readonly generationRecords: GenerationRepository;
  private readonly evaluationRows: EvaluationRepository;
  private readonly episodeRows: EpisodeRepository;
  private readonly experimentRows: ExperimentRepository;
  private readonly morphologies: MorphologyRepository;

  private constructor(db: Database.Database) {
    this.db = db;
    this.runs = new RunRepository(db);
    this.checkpoints = new CheckpointRepository(db);
    this.generationRecords = new GenerationRepository(db, this.checkpoints);
    this.evaluationRows = new EvaluationRepository(db);
    this.episodeRows = new EpisodeRepository(db);
    this.experimentRows = new ExperimentRepository(db);
    this.morphologies = new MorphologyRepository(db);
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

  /** The file the store was opened from (`:memory:` for a throw-away store). */
  get path(): string {
    return this.db.name;
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

  // --- runs (runs.ts) ------------------------------------------------------------------------------------

  createRun(run: NewRun): RunRow { return this.runs.create(run); }
  /**
   * Creates a finished run whose centre of generation 0 is `centre` (an encoded ES state of generation 0), stored
   * as its checkpoint 0 — an imported run — in one transaction: the run and its centre, or nothing.
   */
  createImportedRun(run: Omit<NewRun, 'status'>, centre: Uint8Array): RunRow {
    return this.db.transaction(() => {
      const row = this.runs.create({ ...run, status: 'finished' });
      this.checkpoints.addInitial(row.id, centre);
      return row;
    })();
  }
  getRun(id: number): RunRow { return this.runs.get(id); }
  listRuns(): RunRow[] { return this.runs.list(); }
  /** Sets a run's status (not 'running': a trainer claims a run with `claimRun`). */
  setRunStatus(id: number, status: Exclude<RunStatus, 'running'>, error: string | null = null): void { this.runs.setStatus(id, status, error); }
  /** Asks the process training a run to pause or stop it after its generation in flight. */
  requestInterrupt(id: number, status: 'paused' | 'stopped'): void { this.runs.requestInterrupt(id, status); }
  /** Marks the run 'running' under `owner`; refused while another live process trains it. */
  claimRun(id: number, owner: string): void { this.runs.claim(id, owner); }
  /** Replaces a run's tags and / or notes. */
  annotateRun(id: number, change: { tags?: readonly string[]; notes?: string }): void { this.runs.annotate(id, change); }
  deleteRun(id: number): void { this.runs.delete(id); }

  // --- generations, held-out tests and checkpoints (generations.ts, checkpoints.ts) ----------------------

  /** Records generation g, its held-out tests and checkpoint g + 1 in one transaction, then prunes checkpoints. */
  commitGeneration(runId: number, record: GenerationRecord, next: Uint8Array, heldout: readonly HeldoutRecord[] = [], keep: CheckpointPolicy = DEFAULT_KEEP): void {
    this.generationRecords.commit(runId, record, next, heldout, keep);
  }
  /** A run's generation records, from generation `from` on. */
  generations(runId: number, from = 0): GenerationRecord[] { return this.generationRecords.list(runId, from); }
  /** A run's held-out tests, from generation `from` on, by generation (then body name). */
  heldout(runId: number, from = 0): HeldoutRecord[] { return this.generationRecords.heldout(runId, from); }
  /** Per run (or for one run): generations done, the latest and best population mean, the best max, Σ wall time. */
  runStats(runId?: number): Map<number, RunStats> { return this.generationRecords.stats(runId); }
  /** The checkpoint of `generation` (default: the latest), or undefined if the run has none. */
  checkpoint(runId: number, generation?: number): { generation: number; state: Uint8Array } | undefined { return this.checkpoints.get(runId, generation); }
  /** The kept checkpoints, oldest first, the centre of the best generation marked. */
  keptCheckpoints(runId: number): { generation: number; best: boolean }[] { return this.checkpoints.kept(runId); }
  checkpointGenerations(runId: number): number[] { return this.checkpoints.generations(runId); }

  // --- evaluations (evaluations.ts) ----------------------------------------------------------------------

  addEvaluation(e: NewEvaluation): EvaluationRow { return this.evaluationRows.add(e); }
  /** Stores one test's evaluations (one per body) together: all or none. */
  addEvaluations(evaluations: readonly NewEvaluation[]): EvaluationRow[] { return this.evaluationRows.addAll(evaluations); }
  evaluations(runId: number): EvaluationRow[] { return this.evaluationRows.list(runId); }

  // --- episodes (episodes.ts) ----------------------------------------------------------------------------

  addEpisode(e: NewEpisode): EpisodeRow { return this.episodeRows.add(e); }
  /** A run's recorded episodes (or every run's), newest last. */
  episodes(runId?: number): EpisodeRow[] { return this.episodeRows.list(runId); }
  episode(id: number): EpisodeRow { return this.episodeRows.get(id); }
  /** The episode's trajectory blob (decode with `decodeRecording`). */
  episodeTrajectory(id: number): Uint8Array { return this.episodeRows.trajectory(id); }
  deleteEpisode(id: number): void { this.episodeRows.delete(id); }

  // --- damage experiments (experiments.ts) ---------------------------------------------------------------

  addExperiment(e: NewExperiment): ExperimentRow { return this.experimentRows.add(e); }
  /** Every damage experiment, oldest first. */
  experiments(): ExperimentRow[] { return this.experimentRows.list(); }
  experiment(id: number): ExperimentRow { return this.experimentRows.get(id); }
  deleteExperiment(id: number): void { this.experimentRows.delete(id); }

  // --- morphologies (morphologies.ts) --------------------------------------------------------------------

  /** Adds the built-in presets that are missing (by name); user morphologies are never overwritten. */
  ensureMorphologies(presets: readonly { name: string; mjcf: string }[]): void { this.morphologies.ensureBuiltins(presets); }
  saveMorphology(name: string, mjcf: string): void { this.morphologies.save(name, mjcf); }
  deleteMorphology(name: string): void { this.morphologies.delete(name); }
  morphology(name: string): { name: string; mjcf: string; builtin: boolean } { return this.morphologies.get(name); }
  listMorphologies(): { name: string; builtin: boolean }[] { return this.morphologies.list(); }
}
