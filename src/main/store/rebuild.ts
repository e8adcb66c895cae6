/**
 * Rebuilding a table with a new definition, as SQLite's ALTER TABLE documentation prescribes (it cannot change a
 * column's constraints in place): create the new table, copy every row, drop the old one, rename the new one, and
 * make its indexes and triggers again. Runs inside a migration with foreign keys off (Store.migrate), so dropping a
 * parent neither cascades into nor is refused by its children; Store.migrate checks the keys before committing.
 */
import { crcTriggers, type CheckedTable } from './row-checks';

export interface TableDefinition {
  /** Column definitions in the table's column order, each starting with the column's name. */
  readonly columns: readonly string[];
  /** CREATE INDEX statements of the table. */
  readonly indexes?: readonly string[];
}

/** SQL rebuilding `table` as `definition`, every row copied with its values (its checksum included). */
export function rebuildTable(table: CheckedTable, definition: TableDefinition): string {
  const names = definition.columns.map((c) => c.trim().split(/\s+/)[0]!).join(', ');
  const rebuilt = `${table}_rebuilt`;
  return `
  CREATE TABLE ${rebuilt} (
    ${definition.columns.join(',\n    ')}
  );
  INSERT INTO ${rebuilt} (${names}) SELECT ${names} FROM ${table};
  DROP TABLE ${table};
  ALTER TABLE ${rebuilt} RENAME TO ${table};
  ${(definition.indexes ?? []).join(';\n  ')}${definition.indexes?.length ? ';' : ''}${crcTriggers(table)}
`;
}

/**
 * SQL setting the AUTOINCREMENT counter of `table` to the largest id it has held as far as the store can tell: its
 * own largest id, or a larger one still named by `alsoAbove` (an SQL expression, e.g. ids kept in other tables).
 */
export function raiseSequence(table: CheckedTable, alsoAbove = '0'): string {
  return `
  DELETE FROM sqlite_sequence WHERE name = '${table}';
  INSERT INTO sqlite_sequence (name, seq) VALUES ('${table}', max(coalesce((SELECT max(id) FROM ${table}), 0), coalesce((${alsoAbove}), 0)));
`;
}
