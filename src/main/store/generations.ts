/**
 * A run's training record: the generations table, the held-out tests of each generation (heldout), and — in the
 * same transaction — the checkpoint each generation leaves (CheckpointRepository).
 */
import type Database from 'better-sqlite3';
import type { GenerationRecord, HeldoutRecord } from '../../common/model';
import type { CheckpointPolicy } from '../../core/config';
import type { CheckpointRepository } from './checkpoints';
import { checked, corruptCondition, numberList, parseJson, requireFinite } from './row-checks';
import { StoreError } from './store-error';

/** A run's progress figures, aggregated over its generation records. */
export interface RunStats {
  readonly generations: number;
  readonly lastMean: number | null;
  readonly bestMean: number | null;
  readonly bestMax: number | null;
  readonly wallMs: number;
}

/** Checkpoints kept by default: the latest three, plus the centre of the best generation (run config `checkpoints`). */
export const DEFAULT_KEEP: CheckpointPolicy = { keep: 'latest', count: 3 };

export class GenerationRepository {
  constructor(private readonly db: Database.Database, private readonly checkpoints: CheckpointRepository) {}

  /**
   * Records a finished generation g and the ES state after its update in one transaction (DESIGN: durability),
   * then prunes checkpoints as `keep` says (the latest and the best always stay). Checkpoint g is the centre of
   * generation g: the one whose candidates produced record g; so `next` is stored as checkpoint g + 1. The
   * generation's held-out tests land with it. Callers emit events only after this returns.
   */
  commit(runId: number, record: GenerationRecord, next: Uint8Array, heldout: readonly HeldoutRecord[] = [], keep: CheckpointPolicy = DEFAULT_KEEP): void {
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
      this.checkpoints.addAndPrune(runId, record.generation + 1, next, keep);
      const test = this.db.prepare('INSERT INTO heldout (run_id, generation, morphology, episodes, mean, std, fitness, distance, env_steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const h of heldout) test.run(runId, h.generation, h.morphology, h.episodes, h.mean, h.std, JSON.stringify(h.fitness), JSON.stringify(h.distance), h.envSteps);
      this.db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(Date.now(), runId);
    })();
  }

  /** A run's generation records, from generation `from` on. */
  list(runId: number, from = 0): GenerationRecord[] {
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

  /** Per run (or for one run): generations done, the latest and best population mean, the best max, Σ wall time. */
  stats(runId?: number): Map<number, RunStats> {
    const rows = this.db
      .prepare(
        `SELECT run_id, COUNT(*) AS n, MAX(mean) AS best_mean, MAX(max) AS best_max, SUM(wall_ms) AS wall, SUM(${corruptCondition('generations', 'g')}) AS corrupt,
                (SELECT g2.mean FROM generations g2 WHERE g2.run_id = g.run_id ORDER BY g2.generation DESC LIMIT 1) AS last_mean
         FROM generations g ${runId === undefined ? '' : 'WHERE run_id = ?'} GROUP BY run_id`,
      )
      .all(...(runId === undefined ? [] : [runId])) as { run_id: number; n: number; best_mean: number; best_max: number; wall: number; last_mean: number; corrupt: number }[];
    const bad = rows.find((r) => r.corrupt > 0);
    if (bad) this.list(bad.run_id); // names the corrupt row
    return new Map(rows.map((r) => [r.run_id, { generations: r.n, lastMean: r.last_mean, bestMean: r.best_mean, bestMax: r.best_max, wallMs: r.wall }]));
  }
}
