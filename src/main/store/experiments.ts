/** The experiments table: damage experiments over several runs, their recipe and per-run results. */
import type Database from 'better-sqlite3';
import type { ExperimentRow } from '../../common/model';
import { checked, numberList, parseJson } from './row-checks';
import { StoreError } from './store-error';

/** What `add` stores. */
export type NewExperiment = Omit<ExperimentRow, 'id' | 'createdAt'>;

interface RawExperiment {
  id: number; recipe: string; morphology: string; seeds: string; run_ids: string; results: string; skipped: string; wall_ms: number; created_at: number;
}

export class ExperimentRepository {
  constructor(private readonly db: Database.Database) {}

  add(e: NewExperiment): ExperimentRow {
    const info = this.db
      .prepare('INSERT INTO experiments (recipe, morphology, seeds, run_ids, results, skipped, wall_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(JSON.stringify(e.recipe), e.morphology, JSON.stringify(e.seeds), JSON.stringify(e.runIds), JSON.stringify(e.results), JSON.stringify(e.skipped), Math.round(e.wallMs), Date.now());
    return this.get(Number(info.lastInsertRowid));
  }

  /** Every damage experiment, oldest first. */
  list(): ExperimentRow[] {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY id').all() as RawExperiment[]).map(toExperiment);
  }

  get(id: number): ExperimentRow {
    const raw = this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as RawExperiment | undefined;
    if (!raw) throw new StoreError(`no experiment with id ${id}`, 'not-found');
    return toExperiment(raw);
  }

  delete(id: number): void {
    if (this.db.prepare('DELETE FROM experiments WHERE id = ?').run(id).changes === 0) throw new StoreError(`no experiment with id ${id}`, 'not-found');
  }
}

function toExperiment(r: RawExperiment): ExperimentRow {
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
