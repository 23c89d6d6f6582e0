import type pg from 'pg';
import type { RangeQuery, WriteOp } from '../../core/backend.js';
import type { Key, KeyPart } from '../../core/key-codec.js';
import { highestKey, keyOf, lowestKey, type KeyColumns, type Row, type TableName } from '../../core/tables.js';
import { joinOn, names, params, quote, unnestParams, type Column, type TableLayout } from './sql-layout.js';

/** Anything that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// Rows of one statement when a batch writes many rows of one table (the arrays of unnest have no parameter limit,
// but a bounded statement keeps one huge import from becoming one huge message).
const ROWS_PER_STATEMENT = 1000;

// Named statements: the server parses and plans each text once per connection (pg remembers which
// connections prepared which name), where an unnamed one is parsed and planned on every call. Every text
// comes from the table layout (and a read's shape), so there are few of them; a name per text.
const statementNames = new Map<string, string>();

function named<R extends pg.QueryResultRow>(db: Queryable, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `temporal_db_${statementNames.size}`));
  return db.query<R>({ name, text, ...(values === undefined ? {} : { values }) });
}

const toKey = (columns: readonly Column[], row: Record<string, unknown>): KeyPart[] => columns.map((c) => row[c.name] as KeyPart);
const keyColumns = (columns: readonly Column[]): KeyColumns => Object.fromEntries(columns.map((c) => [c.name, c.type]));

// One statement per read or run of writes, on the tables sql-layout.ts makes.

/** The row of `key`, or undefined. */
export async function readRow(db: Queryable, layout: TableLayout, key: Key): Promise<Row | undefined> {
  const result = await named<{ row: Row }>(db, `SELECT "row" FROM ${layout.sql} WHERE (${names(layout.key)}) = ${params(layout.key, 1)}`, [...key]);
  return result.rows[0]?.row;
}

/** The rows of `keys` in the order given (undefined where missing), in one statement: the keys go in as arrays. */
export async function readRows(db: Queryable, layout: TableLayout, keys: readonly Key[]): Promise<Array<Row | undefined>> {
  if (keys.length === 0) return [];
  if (keys.length === 1) return [await readRow(db, layout, keys[0]!)];
  const result = await named<{ at: string; row: Row }>(
    db,
    `SELECT k.at, t."row" FROM ${unnestParams(layout.key, 1)} WITH ORDINALITY AS k(${names(layout.key)}, at) ` +
      `JOIN ${layout.sql} AS t ON ${joinOn(layout.key, 't', 'k')}`,
    layout.key.map((_, i) => keys.map((key) => key[i])),
  );
  const rows = new Array<Row | undefined>(keys.length).fill(undefined);
  for (const { at, row } of result.rows) rows[Number(at) - 1] = row;
  return rows;
}

/** The primary key of the row holding `key` in unique index `indexName`, or undefined. */
export async function readUnique(db: Queryable, layout: TableLayout, indexName: string, key: Key): Promise<Key | undefined> {
  const index = layout.indexes.get(indexName)!;
  const result = await named<Record<string, KeyPart>>(
    db,
    `SELECT ${names(layout.key)} FROM ${layout.sql} WHERE (${names(index.own)}) = ${params(index.own, 1)} LIMIT 1`,
    [...key],
  );
  const found = result.rows[0];
  return found === undefined ? undefined : toKey(layout.key, found);
}

/** The row with the highest key, or undefined. */
export async function readLast(db: Queryable, layout: TableLayout): Promise<Row | undefined> {
  const result = await named<{ row: Row }>(db, `SELECT "row" FROM ${layout.sql} ORDER BY ${layout.key.map((c) => `${quote(c.name)} DESC`).join(', ')} LIMIT 1`);
  return result.rows[0]?.row;
}

/** How many rows the table holds. */
export async function countRows(db: Queryable, layout: TableLayout): Promise<number> {
  const result = await named<{ count: string }>(db, `SELECT count(*) FROM ${layout.sql}`);
  return Number(result.rows[0]!.count);
}

/** The rows of a range query, in key order (of the index when it names one). */
export async function readRange(db: Queryable, layout: TableLayout, query: RangeQuery): Promise<Row[]> {
  let columns = layout.key;
  let lower = query.lower;
  let upper = query.upper;
  if (query.index !== undefined) {
    // Bounds name the index's columns; completed over the primary key columns it orders by next.
    columns = layout.indexes.get(query.index)!.entry;
    const entry = keyColumns(columns);
    lower = lowestKey(entry, query.lower);
    upper = highestKey(entry, query.upper);
  }
  const list = names(columns);
  // The planner estimates row comparisons poorly; the prefix both bounds share (an identifier, most
  // often) said as equalities gives it the selectivity, so it picks the index of the range.
  let shared = 0;
  while (shared < columns.length - 1 && lower[shared] === upper[shared]) shared++;
  const prefix = columns.slice(0, shared).map((c, i) => ` AND ${quote(c.name)} = $${1 + i}`).join('');
  const order = columns.map((c) => `${quote(c.name)}${query.reverse ? ' DESC' : ''}`).join(', ');
  const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
  const result = await named<{ row: Row }>(
    db,
    `SELECT "row" FROM ${layout.sql} WHERE (${list}) >= ${params(columns, 1)} AND (${list}) <= ${params(columns, 1 + columns.length)}${prefix} ORDER BY ${order}${limit}`,
    [...lower, ...upper],
  );
  return result.rows.map((r) => r.row);
}

/**
 * Applies checked ops in order. Runs of ops of one kind on one table go in
 * one statement each (bulk writes and imports are mostly such runs), cut
 * where a key repeats, since one statement cannot touch a row twice.
 */
export async function applyOps(client: Queryable, layoutOf: (table: TableName) => TableLayout, ops: readonly WriteOp[]): Promise<void> {
  let run: WriteOp[] = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (run.length > 0) await applyRun(client, layoutOf(run[0]!.table), run);
    run = [];
    keys = new Set();
  };
  for (const op of ops) {
    const layout = layoutOf(op.table);
    const key = JSON.stringify(op.type === 'delete' ? op.key : keyOf(keyColumns(layout.key), op.row));
    const first = run[0];
    if (first && (first.type !== op.type || first.table !== op.table || keys.has(key) || run.length >= ROWS_PER_STATEMENT)) await flush();
    run.push(op);
    keys.add(key);
  }
  await flush();
}

async function applyRun(client: Queryable, layout: TableLayout, run: readonly WriteOp[]): Promise<void> {
  const { type } = run[0]!;
  if (type === 'delete') {
    const deleted = run as Array<WriteOp & { type: 'delete' }>;
    await named(client,
      `DELETE FROM ${layout.sql} AS t USING ${unnestParams(layout.key, 1)} AS k(${names(layout.key)}) WHERE ${joinOn(layout.key, 't', 'k')}`,
      layout.key.map((_, i) => deleted.map((op) => op.key[i])),
    );
    return;
  }
  const rows = (run as Array<WriteOp & { row: Row }>).map((op) => op.row);
  const values = layout.columns.map((c) => rows.map((row) => (row[c.name] === undefined ? null : row[c.name])));
  values.push(rows.map((row) => JSON.stringify(row)));
  const all = names(layout.columns);
  const upsert =
    type === 'put'
      ? ` ON CONFLICT (${names(layout.key)}) DO UPDATE SET ${[...layout.columns.map((c) => c.name), 'row']
          .map((name) => `${quote(name)} = EXCLUDED.${quote(name)}`)
          .join(', ')}`
      : '';
  await named(client, `INSERT INTO ${layout.sql} (${all}, "row") SELECT * FROM ${unnestParams(layout.columns, 1, true)}${upsert}`, values);
}
