/**
 * The checkpoints table: the ES state a generation starts from. Checkpoint g holds the state at the start of
 * generation g (its `generation` field is g); generation 0's is never stored (a pure function of the run's config).
 * Written only inside GenerationRepository.commit's transaction, which decides what is kept.
 */
import type Database from 'better-sqlite3';
import type { CheckpointPolicy } from '../../core/config';
import { blobBytes, checked } from './row-checks';

export class CheckpointRepository {
  constructor(private readonly db: Database.Database) {}

  /**
   * Stores checkpoint `generation`, marks the centre of the best generation so far (by population mean) as best,
   * and prunes as `keep` says: the latest and the best always stay. Call inside the generation's transaction.
   */
  addAndPrune(runId: number, generation: number, state: Uint8Array, keep: CheckpointPolicy): void {
    this.db.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, ?, ?)').run(runId, generation, state);
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
        .run(runId, keep.count, generation);
    }
  }

  /** Stores a run's only checkpoint, 0, outside any generation: an imported run's centre. Call inside a transaction. */
  addInitial(runId: number, state: Uint8Array): void {
    this.db.prepare('INSERT INTO checkpoints (run_id, generation, state) VALUES (?, 0, ?)').run(runId, state);
  }

  /** The checkpoint of `generation` (default: the latest), or undefined if the run has none. */
  get(runId: number, generation?: number): { generation: number; state: Uint8Array } | undefined {
    const row = (generation === undefined
      ? this.db.prepare('SELECT run_id, generation, state, crc FROM checkpoints WHERE run_id = ? ORDER BY generation DESC LIMIT 1').get(runId)
      : this.db.prepare('SELECT run_id, generation, state, crc FROM checkpoints WHERE run_id = ? AND generation = ?').get(runId, generation)) as
      | { generation: number; state: Buffer }
      | undefined;
    return row && checked('checkpoints', row) && { generation: row.generation, state: blobBytes(row.state) };
  }

  /** The kept checkpoints, oldest first, the centre of the best generation marked. */
  kept(runId: number): { generation: number; best: boolean }[] {
    return (this.db.prepare('SELECT run_id, generation, best, crc FROM checkpoints WHERE run_id = ? ORDER BY generation').all(runId) as { generation: number; best: number }[])
      .map((r) => checked('checkpoints', r))
      .map((r) => ({ generation: r.generation, best: r.best === 1 }));
  }

  /** The generations of the kept checkpoints, oldest first. */
  generations(runId: number): number[] {
    return (this.db.prepare('SELECT run_id, generation, crc FROM checkpoints WHERE run_id = ? ORDER BY generation').all(runId) as { generation: number }[])
      .map((r) => checked('checkpoints', r).generation);
  }
}
