/** The runs table: a run's identity, config and status, and which process trains it. */
import type Database from 'better-sqlite3';
import type { RunRow, RunStatus } from '../../common/model';
import { ownerAlive } from './owner';
import { checked, parseJson } from './row-checks';
import { StoreError } from './store-error';

/** What `create` stores; status defaults to 'queued'. */
export interface NewRun {
  readonly name: string;
  readonly config: unknown;
  readonly seed: number;
  readonly status?: RunStatus;
  readonly tags?: readonly string[];
  readonly notes?: string;
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

export class RunRepository {
  constructor(private readonly db: Database.Database) {}

  create(run: NewRun): RunRow {
    const now = Date.now();
    const info = this.db
      .prepare('INSERT INTO runs (name, config, seed, status, tags, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(run.name, JSON.stringify(run.config), run.seed, run.status ?? 'queued', JSON.stringify(run.tags ?? []), run.notes ?? '', now, now);
    return this.get(Number(info.lastInsertRowid));
  }

  get(id: number): RunRow {
    const raw = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    if (!raw) throw new StoreError(`no run with id ${id}`, 'not-found');
    return toRun(raw);
  }

  list(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RawRun[]).map(toRun);
  }

  /** Sets a run's status (not 'running': a trainer claims a run with `claim`). */
  setStatus(id: number, status: Exclude<RunStatus, 'running'>, error: string | null = null): void {
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
  claim(id: number, owner: string): void {
    this.db.transaction(() => {
      const run = this.get(id);
      if (run.owner !== null && run.owner !== owner && ownerAlive(run.owner)) {
        throw new StoreError(`run ${id} is being trained by another process (${run.owner ?? 'unknown'})`, 'conflict');
      }
      this.db.prepare("UPDATE runs SET status = 'running', error = NULL, owner = ?, updated_at = ? WHERE id = ?").run(owner, Date.now(), id);
    }).immediate();
  }

  /** Replaces a run's tags and / or notes. */
  annotate(id: number, change: { tags?: readonly string[]; notes?: string }): void {
    this.db.transaction(() => {
      this.get(id);
      if (change.tags) this.db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify([...new Set(change.tags)]), id);
      if (change.notes !== undefined) this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(change.notes, id);
    })();
  }

  /** Deletes the run; its generations, checkpoints, tests, evaluations and episodes go with it (ON DELETE CASCADE). */
  /** Refused while a live process trains the run (this one or another: a GUI, `hebb train`, `hebb work`). */
  delete(id: number): void {
    this.db.transaction(() => {
      const run = this.get(id);
      if (run.owner !== null && ownerAlive(run.owner)) {
        throw new StoreError(`run ${id} is being trained by a live process (${run.owner}); pause or stop it (hebb pause ${id} / hebb stop ${id}), then delete it`, 'conflict');
      }
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    }).immediate();
  }
}

function toRun(r: RawRun): RunRow {
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
