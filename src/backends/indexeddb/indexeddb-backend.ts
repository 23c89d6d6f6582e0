import { openDB, unwrap, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import type { Backend, RangeQuery, WriteOp } from '../../core/backend.js';
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
}

type Store = IDBPObjectStore<unknown, string[], string, 'versionchange'>;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
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

/**
 * IndexedDB through idb: one object store per table with native indexes,
 * all created from the shared table definitions in one upgrade path. Every
 * read and every commit is its own short transaction, so nothing is held open
 * across the core's awaits.
 */
export class IndexedDbBackend implements Backend {
  readonly kind = 'indexeddb';

  private readonly raw: IDBDatabase;

  private constructor(
    private readonly db: IDBPDatabase,
    private readonly durability: IDBTransactionDurability,
  ) {
    this.raw = unwrap(db);
  }

  static async open(name: string, options: IndexedDbBackendOptions = {}): Promise<IndexedDbBackend> {
    if (typeof indexedDB === 'undefined') {
      throw new TemporalDbError(
        'STORAGE_ERROR',
        'IndexedDB is not available here; in Node use temporal-db/lmdb (or fake-indexeddb in tests)',
      );
    }
    try {
      const db = await openDB(name, SCHEMA_VERSION, {
        upgrade(database, _oldVersion, _newVersion, transaction) {
          upgradeSchema(database as IDBPDatabase, (storeName) => transaction.objectStore(storeName) as unknown as Store);
        },
        // Another tab wants a newer schema: let it have the database.
        blocking() {
          db.close();
        },
      });
      return new IndexedDbBackend(db, options.durability ?? 'strict');
    } catch (error) {
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

  // Reads use plain IDB requests: a read is one short transaction, and idb's
  // wrapper would add a proxy and a completion promise to each.
  private read(table: TableName): IDBObjectStore {
    return this.raw.transaction(table, 'readonly').objectStore(table);
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return request(this.read(table).get(key as IDBValidKey));
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    if (keys.length === 0) return [];
    const store = this.read(table);
    return Promise.all(keys.map((key) => request<Row | undefined>(store.get(key as IDBValidKey))));
  }

  async count(table: TableName): Promise<number> {
    return request(this.read(table).count());
  }

  async range(query: RangeQuery): Promise<Row[]> {
    const store = this.read(query.table);
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

  async commit(ops: readonly WriteOp[]): Promise<void> {
    const tables = [...new Set(ops.map((op) => op.table))];
    // Plain IDB requests: thousands of writes need no promise each, only the transaction's end.
    const transaction = this.raw.transaction(tables, 'readwrite', { durability: this.durability });
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
      throw new TemporalDbError('STORAGE_ERROR', `IndexedDB commit failed: ${String(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
