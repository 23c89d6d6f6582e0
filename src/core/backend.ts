import type { Key } from './key-codec.js';
import type { Row, TableName } from './tables.js';

/**
 * Reads the rows of a table (or of one of its indexes) whose key lies in
 * [lower, upper], both bounds inclusive and both complete keys of the table's
 * or index's shape. Rows come in key order (index key, then primary key).
 */
export interface RangeQuery {
  readonly table: TableName;
  readonly index?: string;
  readonly lower: Key;
  readonly upper: Key;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * One write of an atomic batch. `insert` fails the whole batch with a
 * `WRITE_CONFLICT` TemporalDbError when its key already exists: this is how
 * version numbers stay unique across processes and tabs.
 */
export type WriteOp =
  | { readonly type: 'put'; readonly table: TableName; readonly row: Row }
  | { readonly type: 'insert'; readonly table: TableName; readonly row: Row }
  | { readonly type: 'delete'; readonly table: TableName; readonly key: Key };

/**
 * What a storage engine has to provide. All policy (validation, versions,
 * change records, key encoding, clocks) lives in the core; a backend only
 * stores rows, keeps the indexes of the table definitions and commits a batch
 * atomically. It never hands out an open transaction.
 */
export interface Backend {
  /** `lmdb`, `indexeddb`, ...: for messages and tests. */
  readonly kind: string;
  get(table: TableName, key: Key): Promise<Row | undefined>;
  /** Several keys of one table at once (one transaction where that matters), in the order given. */
  getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>>;
  range(query: RangeQuery): Promise<Row[]>;
  /** How many rows a table holds. */
  count(table: TableName): Promise<number>;
  /** Writes a consistent copy of the store to `target` while it stays open, where the engine can. */
  backup?(target: string): Promise<void>;
  /** Applies every op or none of them. */
  commit(ops: readonly WriteOp[]): Promise<void>;
  close(): Promise<void>;
}
