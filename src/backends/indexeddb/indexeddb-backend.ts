import type { Backend, CommitPlan, RangeQuery, ReadRequest } from '../../core/backend.js';
import { checkedPlan, type CommitRow } from '../../core/commit-plan.js';
import type { ConnectionLostReason } from '../../core/connection-lost.js';
import { TemporalDbError, isTemporalDbError } from '../../core/errors.js';
import type { Key } from '../../core/key-codec.js';
import { SCHEMA_VERSION, TABLES, TABLE_NAMES, columnsOf, withKeyColumns, type IndexDefinition, type Row, type TableName } from '../../core/tables.js';
import type { StorageUse } from '../../core/types.js';

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

/** The channel a database's connections (in any tab) tell each other of their commits on; none where there is no BroadcastChannel. */
const openChannel = (name: string) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(`temporal-db:${name}`) : undefined);

/**
 * Per database name, how many commits this page has heard of: its own
 * handles' (counted as they complete) and other tabs' (counted as their notice
 * arrives). A count, not the highest sequence, so a database deleted and made
 * again still moves it. It is what the core's latest cache is validated by.
 */
const heard = new Map<string, number>();
const hear = (name: string) => heard.set(name, (heard.get(name) ?? 0) + 1);

/** Hands a request's result to `then`, or its error to `fail` (without letting it abort the transaction by itself). */
function settle<T>(req: IDBRequest<T>, then: (value: T) => void, fail: (error: unknown) => void): void {
  req.onsuccess = () => then(req.result);
  req.onerror = (event) => {
    event.preventDefault();
    fail(req.error);
  };
}

function createIndexes(store: IDBObjectStore, wanted: Array<[string, IndexDefinition]>): void {
  for (const [indexName, index] of wanted) {
    if (!store.indexNames.contains(indexName)) store.createIndex(indexName, columnsOf(index.columns), { unique: index.unique ?? false });
  }
}

/** Creates every object store and index of the table definitions that is missing, and drops stale stores and indexes. */
function upgradeSchema(db: IDBDatabase, transaction: IDBTransaction): void {
  for (const name of [...db.objectStoreNames]) if (!(name in TABLES)) db.deleteObjectStore(name);
  for (const name of TABLE_NAMES) {
    const definition = TABLES[name];
    const keyPath = columnsOf(definition.key);
    const wanted = Object.entries(definition.indexes) as Array<[string, IndexDefinition]>;
    if (!db.objectStoreNames.contains(name)) {
      createIndexes(db.createObjectStore(name, { keyPath }), wanted);
      continue;
    }
    const store = transaction.objectStore(name);
    if (String(store.keyPath) !== String(keyPath)) {
      rekeyStore(db, store, name, wanted);
      continue;
    }
    for (const existing of [...store.indexNames]) {
      if (!wanted.some(([indexName]) => indexName === existing)) store.deleteIndex(existing);
    }
    createIndexes(store, wanted);
  }
}

/**
 * A table whose key changed (schema 2 keys `importedRecords` by its encoded
 * id): its rows are read, the store is made again with the new key and its
 * indexes, and the rows go back with their key columns filled in, all inside
 * the upgrade transaction.
 */
function rekeyStore(db: IDBDatabase, old: IDBObjectStore, name: TableName, wanted: Array<[string, IndexDefinition]>): void {
  const rows = old.getAll();
  rows.onsuccess = () => {
    db.deleteObjectStore(name);
    const store = db.createObjectStore(name, { keyPath: columnsOf(TABLES[name].key) });
    createIndexes(store, wanted);
    for (const row of rows.result as Row[]) store.put(withKeyColumns(TABLES[name], row));
  };
}

/** Opens a connection; `lost` hears when something other than `close()` ends it. */
async function connect(name: string, lost: (connection: Connection, reason: ConnectionLostReason) => void, attempt = 1): Promise<Connection> {
  try {
    return await new Promise<Connection>((resolve, reject) => {
      const opening = indexedDB.open(name, SCHEMA_VERSION);
      opening.onupgradeneeded = () => upgradeSchema(opening.result, opening.transaction!);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const connection = opening.result as Connection;
        connection.ended = new Promise<never>((_, end) => (connection.end = end));
        connection.ended.catch(() => undefined);
        // Another tab wants a newer schema, or to delete the database: let it have it.
        // Transactions already running still complete; new ones go to the next connection.
        connection.onversionchange = () => {
          connection.close();
          lost(connection, 'versionchange');
        };
        connection.onclose = () => lost(connection, 'terminated');
        resolve(connection);
      };
    });
  } catch (error) {
    // The browser closed the connection while opening it (site data being cleared): once more.
    if (error instanceof DOMException && error.name === 'AbortError' && attempt === 1) return connect(name, lost, 2);
    if (error instanceof DOMException && error.name === 'VersionError') {
      throw new TemporalDbError('UNSUPPORTED_SCHEMA', `IndexedDB database "${name}" was created by a newer temporal-db; upgrade temporal-db.`, {
        cause: error,
      });
    }
    throw new TemporalDbError('STORAGE_ERROR', `Cannot open IndexedDB database "${name}": ${String(error)}`, { cause: error });
  }
}

/**
 * A connection with `ended`, which rejects once the browser has closed it:
 * calls race it, because Chromium never settles a transaction begun on a
 * connection it is force-closing, before its close event (a connection
 * closed for another tab's upgrade instead lets its transactions finish).
 */
type Connection = IDBDatabase & { ended: Promise<never>; end: (error: unknown) => void };

type Opened = [Connection, IDBTransaction];

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
 * IndexedDB with plain requests: one object store per table with native
 * indexes, all created from the shared table definitions in one upgrade
 * path. A read is one short readonly transaction; a commit plans and writes
 * in one readwrite transaction. A connection closed from outside is replaced
 * by a new one on the next call.
 */
export class IndexedDbBackend implements Backend {
  readonly kind = 'indexeddb';

  /** The open connection; `undefined` once it was closed from outside, until the next call reconnects. */
  private raw: Connection | undefined;
  private reconnecting: Promise<Connection> | undefined;
  private closed = false;
  /** Tells the other connections (tabs) of each commit's sequence number, and hears theirs. */
  private channel: BroadcastChannel | undefined;
  /**
   * The commits this page has heard of on this database (see `heard`), where
   * there is a BroadcastChannel to hear other tabs by. Another tab's commit
   * counts once its notice arrives (a few ms), so a latest version cached in
   * this tab can trail another tab's write by that long; never this page's.
   */
  seqNow?: () => number;

  private constructor(
    private readonly name: string,
    private readonly durability: IDBTransactionDurability,
    private readonly onConnectionLost: ((reason: ConnectionLostReason) => void) | undefined,
  ) {}

  static async open(name: string, options: IndexedDbBackendOptions = {}): Promise<IndexedDbBackend> {
    if (typeof indexedDB === 'undefined') {
      throw new TemporalDbError('STORAGE_ERROR', 'IndexedDB is not available here; in Node use temporal-db/lmdb (or fake-indexeddb in tests)');
    }
    const backend = new IndexedDbBackend(name, options.durability ?? 'strict', options.onConnectionLost);
    // Listening before the first read: a commit the channel did not hear was made before that read.
    const channel = openChannel(name);
    if (channel) {
      channel.onmessage = () => hear(name);
      // Node's channel (fake-indexeddb in tests) would otherwise keep the process alive.
      (channel as { unref?: () => void }).unref?.();
      backend.channel = channel;
      backend.seqNow = () => heard.get(name) ?? 0;
    }
    backend.raw = await connect(name, backend.lost);
    return backend;
  }

  private readonly lost = (connection: Connection, reason: ConnectionLostReason): void => {
    if (reason === 'terminated') connection.end(new DOMException('The browser closed the connection', 'AbortError'));
    // Only the current connection counts (a failed call may have noticed first).
    if (this.raw !== connection || this.closed) return;
    // Whoever closed it may change the data (an upgrade): nothing cached before stands.
    hear(this.name);
    this.raw = undefined;
    this.onConnectionLost?.(reason);
  };

  /** A new connection, shared by every call waiting for one. */
  private connection(): Promise<Connection> {
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
  private transaction(tables: TableName[], mode: IDBTransactionMode): Opened | Promise<Opened> {
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
  private async failure(connection: Connection, error: unknown): Promise<unknown> {
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

  /** One readonly transaction over the tables read: every answer is as of one commit. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    const tables = [...new Set(requests.map((r) => (r.read === 'range' ? r.query.table : r.table)))];
    if (tables.length === 0) return [];
    const opened = this.transaction(tables, 'readonly');
    const [connection, transaction] = Array.isArray(opened) ? opened : await opened;
    try {
      const answers = requests.map((r) => new Promise<unknown>((resolve, reject) => this.answer(transaction, r, resolve, reject)));
      return await Promise.race([connection.ended, Promise.all(answers)]);
    } catch (error) {
      throw await this.failure(connection, error);
    }
  }

  /**
   * Plans and writes in one readwrite transaction over every store, so that
   * it waits for (and holds off) every other tab's writes. The plan's reads
   * are IDB requests, and the plan resumes from their success callbacks: the
   * transaction stays active from the first read to the last write.
   */
  async commit<T>(plan: CommitPlan<T>, attempt = 1): Promise<T> {
    const opened = this.transaction(TABLE_NAMES as TableName[], 'readwrite');
    const [connection, transaction] = Array.isArray(opened) ? opened : await opened;
    const steps = checkedPlan(plan)();
    let failure: unknown;
    let result: T;
    let seq: number | undefined;
    let writing = false;
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
          // The last op of a batch that writes is its `commits` row (checkedPlan).
          seq = (step.value.ops.at(-1) as { row?: CommitRow } | undefined)?.row?.seq;
          writing = true;
          // Plain IDB requests: thousands of writes need no promise each, only the transaction's end.
          for (const op of step.value.ops) {
            const store = transaction.objectStore(op.table);
            (op.type === 'delete' ? store.delete(op.key as string[]) : store.put(op.row)).onerror = onError;
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
      await Promise.race([connection.ended, done]);
    } catch (error) {
      if (isTemporalDbError(error)) throw error;
      // Chromium aborts the transaction as it commits, with a QuotaExceededError (a put's error elsewhere): all of it rolled back.
      if ((error as Error | null)?.name === 'QuotaExceededError') throw new TemporalDbError('QUOTA_EXCEEDED', 'Storage quota exceeded; nothing was written', { cause: error });
      const closed = await this.failure(connection, error);
      // Cut off while it was still reading: nothing of it was under way, so it goes to the next connection.
      if (closed !== error && !writing && attempt === 1) return this.commit(plan, 2);
      if (closed !== error) throw closed;
      throw new TemporalDbError('STORAGE_ERROR', `IndexedDB commit failed: ${String(error)}`, { cause: error });
    }
    if (seq) {
      hear(this.name);
      // Opened with the backend where there is a BroadcastChannel.
      this.channel?.postMessage(seq);
    }
    return result!;
  }

  /** The sequence numbers other connections post after their commits, in this tab or another. */
  watchCommits(onSeq: (seq: number) => void): () => void {
    const channel = openChannel(this.name);
    if (channel) channel.onmessage = (event: MessageEvent<number>) => onSeq(event.data);
    return () => channel?.close();
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

  /** What `navigator.storage` says of this origin; `undefined` where there is none (an insecure context, Node) or it fails. */
  async storage(): Promise<StorageUse | undefined> {
    try {
      const manager = navigator.storage;
      const [{ usage, quota }, persisted] = await Promise.all([manager.estimate(), manager.persisted()]);
      // Every browser with estimate() fills both.
      return { usage: usage!, quota: quota!, persisted };
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channel?.close();
    this.raw?.close();
    this.raw = undefined;
  }
}
