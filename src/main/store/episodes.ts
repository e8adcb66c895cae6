/** The episodes table: recorded lifetimes, their summary columns and the trajectory blob (read on its own). */
import type Database from 'better-sqlite3';
import type { EpisodeRow } from '../../common/model';
import { blobBytes, checked, parseJson, requireFinite } from './row-checks';
import { StoreError } from './store-error';

/** What `add` stores: an episode's row fields and its trajectory blob. */
export type NewEpisode = Omit<EpisodeRow, 'id' | 'createdAt'> & { readonly trajectory: Uint8Array };

/** Every episode column but the trajectory blob (fetched on its own). */
const EPISODE_COLUMNS = 'id, run_id, generation, morphology, mjcf, seed, damage, fitness, distance, steps, env_steps, early_stop, created_at, crc';

interface RawEpisode {
  id: number; run_id: number; generation: number; morphology: string; mjcf: string; seed: number; damage: string;
  fitness: number; distance: number; steps: number; env_steps: number; early_stop: number; created_at: number;
}

export class EpisodeRepository {
  constructor(private readonly db: Database.Database) {}

  add(e: NewEpisode): EpisodeRow {
    requireFinite(`an episode of run ${e.runId}`, { fitness: e.fitness, distance: e.distance });
    const info = this.db
      .prepare(
        `INSERT INTO episodes (run_id, generation, morphology, mjcf, seed, damage, fitness, distance, steps, env_steps, early_stop, trajectory, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.runId, e.generation, e.morphology, e.mjcf, e.seed, JSON.stringify(e.damage), e.fitness, e.distance, e.steps, e.envSteps, e.earlyStop ? 1 : 0, e.trajectory, Date.now());
    return this.get(Number(info.lastInsertRowid));
  }

  /** A run's recorded episodes (or every run's), newest last. */
  list(runId?: number): EpisodeRow[] {
    const rows = (runId === undefined
      ? this.db.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes ORDER BY id`).all()
      : this.db.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE run_id = ? ORDER BY id`).all(runId)) as RawEpisode[];
    return rows.map(toEpisode);
  }

  get(id: number): EpisodeRow {
    const raw = this.db.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = ?`).get(id) as RawEpisode | undefined;
    if (!raw) throw new StoreError(`no episode with id ${id}`, 'not-found');
    return toEpisode(raw);
  }

  /** The episode's trajectory blob (decode with `decodeRecording`). */
  trajectory(id: number): Uint8Array {
    const row = this.db.prepare('SELECT trajectory FROM episodes WHERE id = ?').get(id) as { trajectory: Buffer } | undefined;
    if (!row) throw new StoreError(`no episode with id ${id}`, 'not-found');
    return blobBytes(row.trajectory);
  }

  delete(id: number): void {
    if (this.db.prepare('DELETE FROM episodes WHERE id = ?').run(id).changes === 0) throw new StoreError(`no episode with id ${id}`, 'not-found');
  }
}

function toEpisode(r: RawEpisode): EpisodeRow {
  checked('episodes', r);
  return {
    id: r.id, runId: r.run_id, generation: r.generation, morphology: r.morphology, mjcf: r.mjcf, seed: r.seed,
    damage: parseJson(r.damage, `episodes.damage of episode ${r.id}`),
    fitness: r.fitness, distance: r.distance, steps: r.steps, envSteps: r.env_steps, earlyStop: r.early_stop !== 0, createdAt: r.created_at,
  };
}
