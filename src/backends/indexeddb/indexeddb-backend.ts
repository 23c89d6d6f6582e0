import { openDB, unwrap, type IDBPDatabase, type IDBPObjectStore } from 'idb';
import type { Backend, CommitPlan, RangeQuery, ReadRequest } from '../../core/backend.js';
import { checkedPlan } from '../../core/commit-plan.js';
import { TemporalDbError, isTemporalDbError } from '../../core/errors.js';
import type { Key } from '../../core/key-codec.js';
import {
  SCHEMA_VERSION,
  TABLES,
  TABLE_NAMES,
  columnsOf,
  withKeyColumns,
  type IndexDefinition,
  type Row,
  type TableName,
} from '../../core/tables.js';

export interface IndexedDbBackendOptions {
  /**
   * `strict` (the default) makes a commit resolve only once the browser has
   * flushed it to disk, so a committed write survives a crash; `relaxed` is
   * faster and may lose the last commits when the machine (not the tab) dies.
   */
  durability?: 'strict' | 'relaxed' | 'default';
}

type Store = IDBPObjectStore<unknown, string[], string, 'versionchange'>;

/** Hands a request's result to `then`, or its error to `fail` (without letting it abort the transaction by itself). */
function settle<T>(req: IDBRequest<T>, then: (value: T) => void, fail: (error: unknown) => void): void {
  req.onsuccess = () => then(req.result);
  req.onerror = (event) => {
    event.preventDefault();
    fail(req.error);
  };
}

/** Creates every object store and index of the table definitions that is missing, and drops stale indexes. */
function upgradeSchema(db: IDBPDatabase, store: (name: string) => Store): void {
  for (const name of TABLE_NAMES) {
    const definition = TABLES[name];
    const keyPath = columnsOf(definition.key);
    if (db.objectStoreNames.contains(name) && String(store(name).keyPath) !== String(keyPath)) {
      rekeyStore(unwrap(db), unwrap(store(name)) as unknown as IDBObjectStore, name);
      continue;
    }
    if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath });
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
 * A table whose key changed (schema 2 keys `importedRecords` by its encoded
 * id): its rows are read, the store is made again with the new key and its
 * indexes, and the rows go back with their key columns filled in, all inside
 * the upgrade transaction.
 */
function rekeyStore(db: IDBDatabase, old: IDBObjectStore, name: TableName): void {
  const definition = TABLES[name];
  const rows = old.getAll();
  rows.onsuccess = () => {
    db.deleteObjectStore(name);
    const store = db.createObjectStore(name, { keyPath: columnsOf(definition.key) });
    for (const [indexName, index] of Object.entries(definition.indexes) as Array<[string, IndexDefinition]>) {
      store.createIndex(indexName, columnsOf(index.columns), { unique: index.unique ?? false });
    }
    for (const row of rows.result as Row[]) store.put(withKeyColumns(definition, row));
  };
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

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return (await this.read([{ read: 'get', table, key }]))[0] as Row | undefined;
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    return (await this.read([{ read: 'getMany', table, keys }]))[0] as Array<Row | undefined>;
  }

  async count(table: TableName): Promise<number> {
    return (await this.read([{ read: 'count', table }]))[0] as number;
  }

  async range(query: RangeQuery): Promise<Row[]> {
    return (await this.read([{ read: 'range', query }]))[0] as Row[];
  }

  // Reads use plain IDB requests in one short transaction: idb's wrapper
  // would add a proxy and a completion promise to each.
  /** One readonly transaction over the tables read: every answer is as of one commit. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    const tables = [...new Set(requests.map((r) => (r.read === 'range' ? r.query.table : r.table)))];
    if (tables.length === 0) return [];
    const transaction = this.raw.transaction(tables, 'readonly');
    return Promise.all(
      requests.map((r) => new Promise<unknown>((resolve, reject) => this.answer(transaction, r, resolve, reject))),
    );
  }

  /**
   * Plans and writes in one readwrite transaction over every store, so that
   * it waits for (and holds off) every other tab's writes. The plan's reads
   * are IDB requests, and the plan resumes from their success callbacks: the
   * transaction stays active from the first read to the last write.
   */
  async commit<T>(plan: CommitPlan<T>): Promise<T> {
    const transaction = this.raw.transaction(TABLE_NAMES, 'readwrite', { durability: this.durability });
    const steps = checkedPlan(plan)();
    let failure: unknown;
    let result: T;
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(failure ?? transaction.error);
      transaction.onerror = () => undefined;
    });
    const fail = (error: unknown) => {
      failure ??= error;
      try {
        transaction.abort();
      } catch {
        // Already finished.
      }
    };
    const onError = (event: Event) => {
      failure ??= (event.target as IDBRequest).error;
    };
    const advance = (answer: unknown) => {
      try {
        const step = steps.next(answer);
        if (step.done) {
          result = step.value.result;
          // Plain IDB requests: thousands of writes need no promise each, only the transaction's end.
          for (const op of step.value.ops) {
            const store = transaction.objectStore(op.table);
            const request = op.type === 'delete' ? store.delete(op.key as string[]) : store.put(op.row);
            request.onerror = onError;
          }
        } else {
          this.answer(transaction, step.value, advance, fail);
        }
      } catch (error) {
        // A plan that throws, or a row IndexedDB cannot store (a synchronous throw): end the transaction.
        fail(error);
      }
    };
    advance(undefined);
    try {
      await done;
    } catch (error) {
      if (isTemporalDbError(error)) throw error;
      throw new TemporalDbError('STORAGE_ERROR', `IndexedDB commit failed: ${String(error)}`, { cause: error });
    }
    return result!;
  }

  /** Issues the requests of one read and hands the answer to `next` from their success callback. */
  private answer(transaction: IDBTransaction, read: ReadRequest, next: (answer: unknown) => void, fail: (error: unknown) => void) {
    if (read.read === 'range') return this.answerRange(transaction, read.query, next, fail);
    const store = transaction.objectStore(read.table);
    switch (read.read) {
      case 'get':
        return settle(store.get(read.key as IDBValidKey), next, fail);
      case 'count':
        return settle(store.count(), next, fail);
      case 'unique':
        return settle(store.index(read.index).getKey(read.key as IDBValidKey), next, fail);
      case 'last':
        return settle(store.openCursor(null, 'prev'), (cursor) => next(cursor?.value), fail);
      case 'getMany': {
        const rows = new Array<unknown>(read.keys.length);
        let left = read.keys.length;
        if (left === 0) return next(rows);
        read.keys.forEach((key, i) =>
          settle(
            store.get(key as IDBValidKey),
            (row) => {
              rows[i] = row;
              if (--left === 0) next(rows);
            },
            fail,
          ),
        );
      }
    }
  }

  private answerRange(transaction: IDBTransaction, query: RangeQuery, next: (rows: Row[]) => void, fail: (error: unknown) => void) {
    const store = transaction.objectStore(query.table);
    const source: IDBObjectStore | IDBIndex = query.index ? store.index(query.index) : store;
    const range = IDBKeyRange.bound(query.lower, query.upper);
    if (!query.reverse) return settle(source.getAll(range, query.limit), next, fail);
    // Chromium 141+ reads a reverse range in one request; elsewhere a cursor walks it.
    const withRecords = source as unknown as { getAllRecords?: (options: object) => IDBRequest<Array<{ value: Row }>> };
    if (typeof withRecords.getAllRecords === 'function') {
      const records = withRecords.getAllRecords({ query: range, count: query.limit ?? 0, direction: 'prev' });
      return settle(records, (found) => next(found.map((record) => record.value)), fail);
    }
    const limit = query.limit ?? Infinity;
    const rows: Row[] = [];
    settle(
      source.openCursor(range, 'prev'),
      (cursor) => {
        if (!cursor || (rows.push(cursor.value as Row), rows.length >= limit)) return next(rows);
        cursor.continue();
      },
      fail,
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
