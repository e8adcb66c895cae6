/**
 * Row checksums. SQLite's quick_check verifies a file's structure, not the values in its cells, so a flipped bit
 * inside a stored mean or config would be read back as a wrong number. Every row carries `crc`, a CRC-32 of the
 * columns results are made of (not status, owner, tags or notes, which change as runs are managed), written by
 * triggers through a SQL function of ours and verified on every read. Blobs (checkpoints, trajectories) carry
 * their own CRC-32 (core/binary), so their bytes are not covered twice.
 *
 * Also the checks every repository shares: a row read back matches its checksum and its JSON columns parse, and
 * numbers about to be written are finite.
 */
import type Database from 'better-sqlite3';
import { crc32 } from '../../core/crc32';
import { StoreError } from './store-error';

/** The checked columns of each table, and its key (to name a corrupt row and to address it in the triggers). */
export const CHECKED = {
  runs: { key: ['id'], columns: ['id', 'name', 'config', 'seed', 'created_at'] },
  generations: { key: ['run_id', 'generation'], columns: ['run_id', 'generation', 'mean', 'max', 'min', 'std', 'per_morphology', 'lr', 'sigma', 'env_steps', 'wall_ms', 'blown_up'] },
  checkpoints: { key: ['run_id', 'generation'], columns: ['run_id', 'generation'] },
  evaluations: { key: ['id'], columns: ['id', 'run_id', 'generation', 'morphology', 'seen', 'episodes', 'mean', 'std', 'fitness', 'distance', 'created_at'] },
  heldout: { key: ['run_id', 'generation', 'morphology'], columns: ['run_id', 'generation', 'morphology', 'episodes', 'mean', 'std', 'fitness', 'distance', 'env_steps'] },
  episodes: { key: ['id'], columns: ['id', 'run_id', 'generation', 'morphology', 'mjcf', 'seed', 'damage', 'fitness', 'distance', 'steps', 'env_steps', 'early_stop', 'created_at'] },
  experiments: { key: ['id'], columns: ['id', 'recipe', 'morphology', 'seeds', 'run_ids', 'results', 'skipped', 'wall_ms', 'created_at'] },
  morphologies: { key: ['name'], columns: ['name', 'mjcf', 'builtin'] },
} as const;
export type CheckedTable = keyof typeof CHECKED;

const encoder = new TextEncoder();

/** CRC-32 of the values as JSON: the same for what the trigger was given and what a read returns. */
export function rowCrc(values: readonly unknown[]): number {
  return crc32(encoder.encode(JSON.stringify(values)));
}

/** The SQL function the triggers call; registered on every connection before it migrates or writes. */
export function registerRowCrc(db: Database.Database): void {
  db.function('workbench_crc', { deterministic: true, varargs: true }, (...values: unknown[]) => rowCrc(values));
}

const crcOf = (table: CheckedTable, prefix: string): string => `workbench_crc(${CHECKED[table].columns.map((c) => `${prefix}${c}`).join(', ')})`;

/** The triggers keeping `crc` current on `table`: made by the migration adding it and again when a table is rebuilt. */
export function crcTriggers(table: CheckedTable): string {
  const { key, columns } = CHECKED[table];
  const where = key.map((k) => `${k} = NEW.${k}`).join(' AND ');
  return `
  CREATE TRIGGER ${table}_crc_insert AFTER INSERT ON ${table} BEGIN UPDATE ${table} SET crc = ${crcOf(table, 'NEW.')} WHERE ${where}; END;
  CREATE TRIGGER ${table}_crc_update AFTER UPDATE OF ${columns.join(', ')} ON ${table} BEGIN UPDATE ${table} SET crc = ${crcOf(table, 'NEW.')} WHERE ${where}; END;`;
}

/** SQL adding the column, filling it for existing rows, and the triggers that keep it current. */
export function rowCrcMigration(): string {
  return (Object.keys(CHECKED) as CheckedTable[]).map((table) => `
  ALTER TABLE ${table} ADD COLUMN crc INTEGER;
  UPDATE ${table} SET crc = ${crcOf(table, '')};${crcTriggers(table)}`).join('\n');
}

/** What is wrong with a row read back (all its checked columns and `crc`), or undefined if it is what was written. */
export function rowProblem(table: CheckedTable, row: Readonly<Record<string, unknown>>): string | undefined {
  const { key, columns } = CHECKED[table];
  if (row['crc'] === rowCrc(columns.map((c) => row[c]))) return undefined;
  const id = key.map((k) => `${k} ${String(row[k])}`).join(', ');
  return `the ${table} row (${id}) is corrupt: its values do not match its checksum; restore the store from a backup, or export what still reads into a new store`;
}

/** A SQL condition true for the rows of `table` whose checksum does not match (for checks inside aggregates). */
export function corruptCondition(table: CheckedTable, alias: string = table): string {
  return `${alias}.crc IS NOT workbench_crc(${CHECKED[table].columns.map((c) => `${alias}.${c}`).join(', ')})`;
}

// --- reading rows back (used by every repository) -----------------------------------------------------------

/** Refuses a row whose values do not match its checksum (a flipped bit in the file), naming it. */
export function checked<T extends object>(table: CheckedTable, row: T): T {
  const problem = rowProblem(table, row as Record<string, unknown>);
  if (problem) throw new StoreError(problem);
  return row;
}

/** Non-finite numbers would be stored as NULL (or fail a NOT NULL column): refuse them, naming which. */
export function requireFinite(what: string, values: Readonly<Record<string, number>>): void {
  const bad = Object.entries(values).filter(([, v]) => !Number.isFinite(v));
  if (bad.length > 0) throw new StoreError(`${what} was not stored: ${bad.map(([k, v]) => `${k} is ${v}`).join(', ')} (not a finite number)`);
}

/** A JSON column's value; `where` names the column and row in the error. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StoreError(`${where} is not valid JSON (corrupt row)`);
  }
}

/** A JSON column holding a list of numbers. */
export function numberList(text: string, where: string): number[] {
  const list = parseJson(text, where);
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'number')) throw new StoreError(`${where} is not a list of numbers (corrupt row)`);
  return list as number[];
}

/** A blob column's bytes as a Uint8Array over the same memory (better-sqlite3 returns a Buffer). */
export function blobBytes(blob: Buffer): Uint8Array {
  return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
}
