/** The evaluations table: test lifetimes of a run's centre on one body, stored as the per-episode values. */
import type Database from 'better-sqlite3';
import type { EvaluationRow } from '../../common/model';
import { summarise } from '../../core/stats';
import { checked, numberList, requireFinite } from './row-checks';
import { StoreError } from './store-error';

/** What `add` stores; the mean, std and episode count are derived from the values. */
export interface NewEvaluation {
  readonly runId: number;
  readonly generation: number;
  readonly morphology: string;
  readonly seen: boolean;
  readonly fitness: readonly number[];
  readonly distance: readonly number[];
}

export class EvaluationRepository {
  constructor(private readonly db: Database.Database) {}

  add(e: NewEvaluation): EvaluationRow {
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

  /** Stores several evaluations (one per body of one test) together: all of them or, if one is refused, none. */
  addAll(evaluations: readonly NewEvaluation[]): EvaluationRow[] {
    return this.db.transaction(() => evaluations.map((e) => this.add(e)))();
  }

  list(runId: number): EvaluationRow[] {
    const rows = this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId) as {
      id: number; run_id: number; generation: number; morphology: string; seen: number; episodes: number; mean: number; std: number; fitness: string; distance: string;
    }[];
    return rows.map((r) => checked('evaluations', r)).map((r) => ({
      id: r.id, runId: r.run_id, generation: r.generation, morphology: r.morphology, seen: r.seen === 1, episodes: r.episodes, mean: r.mean, std: r.std,
      fitness: numberList(r.fitness, `evaluations.fitness of evaluation ${r.id}`),
      distance: numberList(r.distance, `evaluations.distance of evaluation ${r.id}`),
    }));
  }
}
