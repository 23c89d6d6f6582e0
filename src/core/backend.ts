import type { Key } from './key-codec.js';
import type { Row, TableName } from './tables.js';
import type { StorageUse } from './types.js';

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
 * `WRITE_CONFLICT` TemporalDbError when its key is already stored or was
 * written earlier in the same batch (so `[put x, insert x]` is a conflict on
 * every engine); `put` replaces.
 */
export type WriteOp =
  | { readonly type: 'put'; readonly table: TableName; readonly row: Row }
  | { readonly type: 'insert'; readonly table: TableName; readonly row: Row }
  | { readonly type: 'delete'; readonly table: TableName; readonly key: Key };

/**
 * One read, inside a commit plan or in a `read` batch. `get` answers a row
 * or `undefined`, `getMany` an array in the order given, `unique` the primary
 * key of the row holding `key` in a unique index (or `undefined`), `last` the
 * row with the highest key of a table (or `undefined`), `range` the rows of
 * a range query, `count` how many rows a table holds.
 */
export type ReadRequest =
  | { readonly read: 'get'; readonly table: TableName; readonly key: Key }
  | { readonly read: 'getMany'; readonly table: TableName; readonly keys: readonly Key[] }
  | { readonly read: 'unique'; readonly table: TableName; readonly index: string; readonly key: Key }
  | { readonly read: 'last'; readonly table: TableName }
  | { readonly read: 'range'; readonly query: RangeQuery }
  | { readonly read: 'count'; readonly table: TableName };

/**
 * A step of planning: a generator that yields reads and gets each answer
 * back. Plans are generators, not async functions, so that one plan runs
 * synchronously under LMDB's write lock and from IndexedDB request callbacks
 * inside one readwrite transaction (an `await` would end that transaction).
 */
export type Plan<T> = Generator<ReadRequest, T, unknown>;

/** What a commit plan ends with: the writes to make and the value `commit` resolves to. */
export interface PlannedWrites<T> {
  readonly ops: readonly WriteOp[];
  readonly result: T;
  /** Who planned the writes (a TemporalDb handle), kept in the batch's `commits` row. */
  readonly origin?: number;
}

/** Planning inside the write transaction; called once per commit. */
export type CommitPlan<T> = () => Plan<PlannedWrites<T>>;

/**
 * What a storage engine has to provide. All policy (validation, versions,
 * change records, key encoding, clocks, insert conflicts) lives in the core;
 * a backend stores rows, keeps the indexes of the table definitions and runs
 * a commit plan inside one write transaction. It never hands out an open
 * transaction.
 *
 * @example
 * const version = await backend.commit(function* () {
 *   const head = (yield { read: 'get', table: 'meta', key: ['counter'] }) as { value: number } | undefined;
 *   const value = (head?.value ?? 0) + 1;
 *   return { ops: [{ type: 'put', table: 'meta', row: { name: 'counter', value } }], result: value };
 * });
 */
export interface Backend {
  /** `lmdb`, `indexeddb`, `memory`, ...: for messages and tests. */
  readonly kind: string;
  get(table: TableName, key: Key): Promise<Row | undefined>;
  /** Several keys of one table at once (one transaction where that matters), in the order given. */
  getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>>;
  range(query: RangeQuery): Promise<Row[]>;
  /** How many rows a table holds. */
  count(table: TableName): Promise<number>;
  /**
   * Answers several reads from one read transaction, so they all see the
   * store as of one commit (what an export's header and its first pages need).
   */
  read(requests: readonly ReadRequest[]): Promise<unknown[]>;
  /** The space the store may use and uses, where the engine knows its quota (IndexedDB). */
  storage?(): Promise<StorageUse | undefined>;
  /**
   * Re-keys the tables of a store of an older schema version `from` whose
   * key changed, where the engine can hold such stores and has not done it
   * itself (IndexedDB does it in its upgrade transaction); resolves to any
   * writes to add to the core's migration (`migrations.ts`), which follows.
   */
  upgrade?(from: number): Promise<WriteOp[]>;
  /** Writes a consistent copy of the store to `target` while it stays open, where the engine can. */
  backup?(target: string): Promise<void>;
  /**
   * Runs `plan` inside one write transaction: its reads see every commit
   * made before (from any process or tab) and nothing else can commit until
   * it ends, so a version read there can be taken. Then applies every op it
   * returns, or none of them (a plan that throws writes nothing).
   */
  commit<T>(plan: CommitPlan<T>): Promise<T>;
  /**
   * Where other processes, tabs or machines can commit to the same store:
   * calls `onSeq` with a commit sequence number (or a higher one than the
   * last) after commits made elsewhere, while watched. The core reads the
   * `commits` rows itself, so a signal may be late, repeated or cover several
   * commits. Returns the function that stops watching (timers, channels and
   * connections released).
   */
  watchCommits?(onSeq: (seq: number) => void): () => void;
  /**
   * The store's last commit sequence (0 when none), read synchronously from
   * the snapshot a read made now would use, every process's commits
   * included. Only where that is a cheap key read (LMDB, memory): it is what
   * lets the core serve latest versions from a cache that is never stale.
   */
  seqNow?(): number;
  close(): Promise<void>;
}
