import { openDB, unwrap, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import type { Backend, RangeQuery, WriteOp } from '../../core/backend.js';
import type { ConnectionLostReason } from '../../core/connection-lost.js';
import { TemporalDbError } from '../../core/errors.js';
import type { Key } from '../../core/key-codec.js';
import { SCHEMA_VERSION, TABLES, TABLE_NAMES, columnsOf, type IndexDefinition, type Row, type TableName } from '../../core/tables.js';

export interface IndexedDbBackendOptions {
  /**
   * `strict` (the default) makes a commit resolve only once the browser has
   * flushed it to disk, so a committed write survives a crash; `relaxed` is
   * faster and may lose the last commits when the machine (not the tab) dies.
   */
  durability?: 'strict' | 'relaxed' | 'default';
  /**
   * Called when the connection is closed from outside: `versionchange` when
   * another tab upgrades or deletes the database (the connection closes itself
   * to let it), `terminated` when the browser closes it (storage cleared, disk
   * failure). The next call opens a new connection.
   */
  onConnectionLost?: (reason: ConnectionLostReason) => void;
}

type Store = IDBPObjectStore<unknown, string[], string, 'versionchange'>;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The rows of a range query, in key order or reversed. */
async function readRange(store: IDBObjectStore, query: RangeQuery): Promise<Row[]> {
  const source: IDBObjectStore | IDBIndex = query.index ? store.index(query.index) : store;
  const range = IDBKeyRange.bound(query.lower, query.upper);
  if (!query.reverse) return request(source.getAll(range, query.limit));
  // Chromium 141+ reads a reverse range in one request; elsewhere a cursor walks it.
  const withRecords = source as unknown as { getAllRecords?: (options: object) => IDBRequest<Array<{ value: Row }>> };
  if (typeof withRecords.getAllRecords === 'function') {
    const records = await request(withRecords.getAllRecords({ query: range, count: query.limit ?? 0, direction: 'prev' }));
    return records.map((record) => record.value);
  }
  const limit = query.limit ?? Infinity;
  return new Promise<Row[]>((resolve, reject) => {
    const rows: Row[] = [];
    const cursorRequest = source.openCursor(range, 'prev');
    cursorRequest.onerror = () => reject(cursorRequest.error);
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) return resolve(rows);
      rows.push(cursor.value as Row);
      if (rows.length >= limit) return resolve(rows);
      cursor.continue();
    };
  });
}

/** Creates every object store and index of the table definitions that is missing, and drops stale indexes. */
function upgradeSchema(db: IDBPDatabase, store: (name: string) => Store): void {
  for (const name of TABLE_NAMES) {
    const definition = TABLES[name];
    if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: columnsOf(definition.key) });
    const objectStore = store(name);
    const wanted = Object.entries(definition.indexes) as Array<[string, IndexDefinition]>;
    for (const existing of [...objectStore.indexNames]) {
      if (!wanted.some(([indexName]) => indexName === existing)) objectStore.deleteIndex(existing);
    }
    for (const [indexName, index] of wanted) {
      if (!objectStore.indexNames.contains(indexName)) {
        objectStore.createIndex(indexName, columnsOf(index.columns), { unique: index.unique ?? false });
      }
    }
  }
}

/** Opens a connection; `lost` hears when something other than `close()` ends it. */
async function connect(name: string, lost: (connection: IDBDatabase, reason: ConnectionLostReason) => void, attempt = 1): Promise<IDBDatabase> {
  try {
    const db = await openDB(name, SCHEMA_VERSION, {
      upgrade(database, _oldVersion, _newVersion, transaction) {
        upgradeSchema(database as IDBPDatabase, (storeName) => transaction.objectStore(storeName) as unknown as Store);
      },
      // Another tab wants a newer schema, or to delete the database: let it have it.
      // Transactions already running still complete; new ones go to the next connection.
      blocking() {
        connection.close();
        lost(connection, 'versionchange');
      },
      terminated() {
        lost(connection, 'terminated');
      },
    });
    const connection = unwrap(db);
    return connection;
  } catch (error) {
    // The browser closed the connection while opening it (site data being cleared): once more.
    if (error instanceof DOMException && error.name === 'AbortError' && attempt === 1) return connect(name, lost, 2);
    if (error instanceof DOMException && error.name === 'VersionError') {
      throw new TemporalDbError(
        'UNSUPPORTED_SCHEMA',
        `IndexedDB database "${name}" was created by a newer temporal-db; upgrade temporal-db.`,
        { cause: error },
      );
    }
    throw new TemporalDbError('STORAGE_ERROR', `Cannot open IndexedDB database "${name}": ${String(error)}`, {
      cause: error,
    });
  }
}

type Opened = [IDBDatabase, IDBTransaction];

/**
 * Whether `connection` is closing or closed. Browsers report a transaction cut
 * off by a forced close variously (AbortError, UnknownError, ...) and fire the
 * close event later, so the connection itself is asked: a closing one refuses
 * new transactions.
 */
function isClosing(connection: IDBDatabase): boolean {
  try {
    connection.transaction(connection.objectStoreNames[0] ?? 'meta', 'readonly');
    return false;
  } catch (error) {
    return error instanceof DOMException && error.name === 'InvalidStateError';
  }
}

/**
 * IndexedDB through idb: one object store per table with native indexes,
 * all created from the shared table definitions in one upgrade path. Every
 * read and every commit is its own short transaction, so nothing is held open
 * across the core's awaits. A connection closed from outside is replaced by a
 * new one on the next call.
 */
export class IndexedDbBackend implements Backend {
  readonly kind = 'indexeddb';

  /** The open connection; `undefined` once it was closed from outside, until the next call reconnects. */
  private raw: IDBDatabase | undefined;
  private reconnecting: Promise<IDBDatabase> | undefined;
  private closed = false;

  private constructor(
    private readonly name: string,
    private readonly durability: IDBTransactionDurability,
    private readonly onConnectionLost: ((reason: ConnectionLostReason) => void) | undefined,
  ) {}

  static async open(name: string, options: IndexedDbBackendOptions = {}): Promise<IndexedDbBackend> {
    if (typeof indexedDB === 'undefined') {
      throw new TemporalDbError(
        'STORAGE_ERROR',
        'IndexedDB is not available here; in Node use temporal-db/lmdb (or fake-indexeddb in tests)',
      );
    }
    const backend = new IndexedDbBackend(name, options.durability ?? 'strict', options.onConnectionLost);
    backend.raw = await connect(name, backend.lost);
    return backend;
  }

  private readonly lost = (connection: IDBDatabase, reason: ConnectionLostReason): void => {
    // Only the current connection counts (a failed call may have noticed first).
    if (this.raw !== connection || this.closed) return;
    this.raw = undefined;
    this.onConnectionLost?.(reason);
  };

  /** A new connection, shared by every call waiting for one. */
  private connection(): Promise<IDBDatabase> {
    if (this.closed) return Promise.reject(new TemporalDbError('DATABASE_CLOSED', 'The temporal database is closed; open it again'));
    return (this.reconnecting ??= connect(this.name, this.lost)
      .finally(() => (this.reconnecting = undefined))
      .then((connection) => {
        if (this.closed) connection.close();
        else this.raw = connection;
        return connection;
      }));
  }

  /**
   * A transaction for a call. A connection the browser is closing (its close
   * event not fired yet) is replaced, since nothing of the call has started.
   * Synchronous while the connection is open: reads are hot.
   */
  private transaction(tables: TableName | TableName[], mode: IDBTransactionMode): Opened | Promise<Opened> {
    const connection = this.raw;
    if (connection) {
      try {
        return [connection, connection.transaction(tables, mode, { durability: this.durability })];
      } catch (error) {
        if (!isClosing(connection)) throw error;
        this.lost(connection, 'terminated');
      }
    }
    return this.connection().then(() => this.transaction(tables, mode));
  }

  /** What a call that failed on `connection` throws: `DATABASE_CLOSED` when the connection closed under it. */
  private async failure(connection: IDBDatabase, error: unknown): Promise<unknown> {
    if (!(error instanceof DOMException)) return error;
    // Nothing here aborts a transaction without an error of its own, so an AbortError came from
    // outside. A forced close may instead show as UnknownError, with the close event a little later.
    if (error.name !== 'AbortError') {
      if (error.name === 'UnknownError') await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.raw === connection && !isClosing(connection)) return error;
    }
    this.lost(connection, 'terminated');
    return new TemporalDbError('DATABASE_CLOSED', 'The IndexedDB connection closed during this call, which was not applied; retry it', {
      cause: error,
    });
  }

  // Reads use plain IDB requests: a read is one short transaction, and idb's
  // wrapper would add a proxy and a completion promise to each.
  private async read<T>(table: TableName, run: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    const opened = this.transaction(table, 'readonly');
    const [connection, transaction] = Array.isArray(opened) ? opened : await opened;
    try {
      return await run(transaction.objectStore(table));
    } catch (error) {
      throw await this.failure(connection, error);
    }
  }

  get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.read(table, (store) => request(store.get(key as IDBValidKey)));
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    if (keys.length === 0) return [];
    return this.read(table, (store) => Promise.all(keys.map((key) => request<Row | undefined>(store.get(key as IDBValidKey)))));
  }

  count(table: TableName): Promise<number> {
    return this.read(table, (store) => request(store.count()));
  }

  range(query: RangeQuery): Promise<Row[]> {
    return this.read(query.table, (store) => readRange(store, query));
  }

  async commit(ops: readonly WriteOp[]): Promise<void> {
    const tables = [...new Set(ops.map((op) => op.table))];
    // Plain IDB requests: thousands of writes need no promise each, only the transaction's end.
    const opened = this.transaction(tables, 'readwrite');
    const [connection, transaction] = Array.isArray(opened) ? opened : await opened;
    let failure: DOMException | null = null;
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(failure ?? transaction.error);
      transaction.onerror = () => undefined;
    });
    const onError = (event: Event) => {
      failure ??= (event.target as IDBRequest).error;
    };
    try {
      for (const op of ops) {
        const store = transaction.objectStore(op.table);
        const request =
          op.type === 'insert' ? store.add(op.row) : op.type === 'put' ? store.put(op.row) : store.delete(op.key as string[]);
        request.onerror = onError;
      }
    } catch (error) {
      // A synchronous throw (a row IndexedDB cannot store) leaves the transaction open: end it.
      failure ??= error as DOMException;
      transaction.abort();
    }
    try {
      await done;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'ConstraintError') {
        throw new TemporalDbError('WRITE_CONFLICT', `IndexedDB refused a write: ${error.message}`);
      }
      const closed = await this.failure(connection, error);
      if (closed !== error) throw closed;
      throw new TemporalDbError('STORAGE_ERROR', `IndexedDB commit failed: ${String(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.raw?.close();
    this.raw = undefined;
  }
}
