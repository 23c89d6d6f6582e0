import { TABLES, TABLE_NAMES, columnsOf, type ColumnType, type IndexDefinition, type KeyColumns, type TableDefinition, type TableName } from '../../core/tables.js';

/** The schema a store lives in when `openTemporalDb` is given none. */
export const DEFAULT_PG_SCHEMA = 'temporal_db';

/**
 * The channel every commit notifies (`pg_notify`), with `{"schema":"...","seq":n}`
 * as payload: the server delivers it to listeners when, and only if, the
 * commit is made, in commit order. What live queries across processes listen to.
 *
 * @example
 * await client.query(`LISTEN ${COMMIT_CHANNEL}`);
 * client.on('notification', ({ payload }) => console.log(JSON.parse(payload!).seq));
 */
export const COMMIT_CHANNEL = 'temporal_db_commits';

/** A quoted SQL identifier: any name, exactly as written (case and punctuation kept). */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

// `COLLATE "C"` compares strings byte by byte, which for UTF-8 is code point order: the order every
// other engine gives to encoded keys, whose characters all lie in U+0021..U+D7FF (no surrogates).
const SQL_TYPE: Record<ColumnType, string> = { id: 'text COLLATE "C"', text: 'text COLLATE "C"', number: 'double precision' };
const PARAM_CAST: Record<ColumnType, string> = { id: 'text', text: 'text', number: 'float8' };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export interface IndexLayout {
  readonly unique: boolean;
  /** What a range on the index orders by: its columns, then the primary key columns it lacks (as IndexedKv does). */
  readonly entry: readonly Column[];
  /** The index's own columns, which a `unique` read matches. */
  readonly own: readonly Column[];
}

/** One table of the definition as a PostgreSQL table: each key and index column typed, the row as `json`. */
export interface TableLayout {
  readonly name: TableName;
  /** `"schema"."table"` */
  readonly sql: string;
  readonly key: readonly Column[];
  /** Every column but `row`: the key columns first, then the index columns outside the key. */
  readonly columns: readonly Column[];
  readonly indexes: ReadonlyMap<string, IndexLayout>;
}

const columnList = (columns: KeyColumns): Column[] => columnsOf(columns).map((name) => ({ name, type: columns[name]! }));

export function tableLayouts(schema: string): Map<TableName, TableLayout> {
  return new Map(
    TABLE_NAMES.map((name) => {
      const definition: TableDefinition = TABLES[name];
      const key = columnList(definition.key);
      const columns = [...key];
      const indexes = new Map<string, IndexLayout>();
      for (const [indexName, index] of Object.entries(definition.indexes) as Array<[string, IndexDefinition]>) {
        const own = columnList(index.columns);
        for (const column of own) if (!columns.some((c) => c.name === column.name)) columns.push(column);
        const entry = index.unique ? own : [...own, ...key.filter((c) => !own.some((o) => o.name === c.name))];
        indexes.set(indexName, { unique: index.unique ?? false, entry, own });
      }
      return [name, { name, sql: `${quote(schema)}.${quote(name)}`, key, columns, indexes }];
    }),
  );
}

/**
 * The statements that create every table and index of the definition that is
 * missing. Key columns are `NOT NULL`; a row without an index column is left
 * out of that index's ranges (as IndexedDB leaves it out of its index).
 */
export function createStatements(schema: string, layouts: ReadonlyMap<TableName, TableLayout>): string[] {
  const statements = [`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`];
  for (const layout of layouts.values()) {
    const keyNames = new Set(layout.key.map((c) => c.name));
    const columns = layout.columns.map((c) => `${quote(c.name)} ${SQL_TYPE[c.type]}${keyNames.has(c.name) ? ' NOT NULL' : ''}`);
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${layout.sql} (${[...columns, '"row" json NOT NULL', `PRIMARY KEY (${names(layout.key)})`].join(', ')})`,
    );
    for (const [indexName, index] of layout.indexes) {
      statements.push(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(`${layout.name}.${indexName}`)} ON ${layout.sql} (${names(index.entry)})`,
      );
    }
  }
  return statements;
}

export const names = (columns: readonly Column[], prefix = ''): string => columns.map((c) => prefix + quote(c.name)).join(', ');

/** `($1::text, $2::float8)` from parameter `first` on: a row value to compare a column list with. */
export function params(columns: readonly Column[], first: number): string {
  return `(${columns.map((c, i) => `$${first + i}::${PARAM_CAST[c.type]}`).join(', ')})`;
}

/** `unnest($1::text[], $2::float8[])`: one parameter per column, each an array with one element per row. */
export function unnestParams(columns: readonly Column[], first: number, json = false): string {
  const arrays = columns.map((c, i) => `$${first + i}::${PARAM_CAST[c.type]}[]`);
  if (json) arrays.push(`$${first + columns.length}::json[]`);
  return `unnest(${arrays.join(', ')})`;
}

/** Equality of a table's columns with those of an unnested list (explicitly "C", as the table's text columns are). */
export function joinOn(columns: readonly Column[], table: string, list: string): string {
  return columns.map((c) => `${table}.${quote(c.name)} = ${list}.${quote(c.name)}${c.type === 'number' ? '' : ' COLLATE "C"'}`).join(' AND ');
}

/**
 * The advisory lock every writer of the store takes first: two 32-bit keys,
 * a constant for temporal-db and a hash (FNV-1a) of the schema name, so each
 * schema of a database has its own write lock.
 */
export function writeLockKeys(schema: string): [number, number] {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(schema)) hash = Math.imul(hash ^ byte, 0x01000193);
  return [0x74646200 | 0, hash | 0];
}
