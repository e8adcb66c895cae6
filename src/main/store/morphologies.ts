/** The morphologies table: MJCF bodies by name; the built-in presets cannot be replaced or deleted. */
import type Database from 'better-sqlite3';
import { checked } from './row-checks';
import { StoreError } from './store-error';

export class MorphologyRepository {
  constructor(private readonly db: Database.Database) {}

  /** Adds the built-in presets that are missing (by name); user morphologies are never overwritten. */
  ensureBuiltins(presets: readonly { name: string; mjcf: string }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO morphologies (name, mjcf, builtin, created_at) VALUES (?, ?, 1, ?)');
    this.db.transaction(() => presets.forEach((p) => insert.run(p.name, p.mjcf, Date.now())))();
  }

  save(name: string, mjcf: string): void {
    const existing = this.db.prepare('SELECT builtin FROM morphologies WHERE name = ?').get(name) as { builtin: number } | undefined;
    if (existing?.builtin) throw new StoreError(`morphology '${name}' is built in and cannot be replaced; save it under another name`, 'conflict');
    this.db
      .prepare('INSERT INTO morphologies (name, mjcf, builtin, created_at) VALUES (?, ?, 0, ?) ON CONFLICT(name) DO UPDATE SET mjcf = excluded.mjcf')
      .run(name, mjcf, Date.now());
  }

  delete(name: string): void {
    const row = this.get(name);
    if (row.builtin) throw new StoreError(`morphology '${name}' is built in and cannot be deleted`, 'conflict');
    this.db.prepare('DELETE FROM morphologies WHERE name = ?').run(name);
  }

  get(name: string): { name: string; mjcf: string; builtin: boolean } {
    const row = this.db.prepare('SELECT name, mjcf, builtin, crc FROM morphologies WHERE name = ?').get(name) as { name: string; mjcf: string; builtin: number } | undefined;
    if (!row) throw new StoreError(`no morphology named '${name}'`, 'not-found');
    checked('morphologies', row);
    return { name: row.name, mjcf: row.mjcf, builtin: row.builtin === 1 };
  }

  list(): { name: string; builtin: boolean }[] {
    return (this.db.prepare('SELECT name, builtin FROM morphologies ORDER BY builtin DESC, name').all() as { name: string; builtin: number }[]).map((r) => ({
      name: r.name,
      builtin: r.builtin === 1,
    }));
  }
}
