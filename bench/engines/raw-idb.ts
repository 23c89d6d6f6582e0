// Baseline: IndexedDB through idb with a lean hand-written layout, the floor of the library's overhead in browsers.
// Versions once by [identifier, version] with an as-of index on [identifier, timestamp]; a time-ordered
// change log, and the decision log doubling as the change log of decisions. Writes never read.
import { deleteDB, openDB, unwrap, type IDBPDatabase } from 'idb';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionAsChange, groupDecisions, mergeByTime, nextSeq, rankPatterns, specWriters, type LeanChange, type StoredVersion } from './baseline-records.js';
import { usageTracker } from './browser-usage.js';

// The library's default on IndexedDB.
const durability = 'strict' as const;
let counter = 0;

export function rawIdbEngine(): BenchEngine {
  let name = '';
  let db: IDBPDatabase;
  let now = Date.now();
  const usage = usageTracker();

  const openIt = async () => {
    db = await openDB(name, 1, {
      upgrade(database) {
        // Index entries are ordered by primary key within equal index keys, so [identifier, timestamp] suffices.
        database.createObjectStore('specs', { keyPath: ['identifier', 'version'] }).createIndex('asOf', ['identifier', 'timestamp']);
        // Out-of-line [timestamp, seq] keys: the records carry no key fields.
        database.createObjectStore('changes');
        database.createObjectStore('decisions');
        database.createObjectStore('patterns', { keyPath: 'seq' }).createIndex('activity', 'timestamp');
      },
    });
  };
  // Writes go straight to IndexedDB's requests: idb would wrap each one in a promise nobody awaits.
  const writeTx = (stores: string[], body: (tx: IDBTransaction) => void) =>
    new Promise<void>((resolve, reject) => {
      const tx = unwrap(db).transaction(stores, 'readwrite', { durability });
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
      body(tx);
    });
  const write = (stored: StoredVersion[]) =>
    writeTx(['specs', 'changes'], (tx) => {
      const specs = tx.objectStore('specs');
      const changes = tx.objectStore('changes');
      for (const v of stored) {
        specs.add(v);
        changes.add(changeFor(v), [v.timestamp, nextSeq()]);
      }
    });
  // One request for the last entry of a range where the browser has getAllRecords (IndexedDB 3.0), else a cursor.
  type Records = { getAllRecords?(options: { query: IDBKeyRange; count: number; direction: IDBCursorDirection }): IDBRequest<Array<{ value: unknown }>> };
  const lastIn = (source: IDBObjectStore | IDBIndex, query: IDBKeyRange) =>
    new Promise<StoredVersion | undefined>((resolve, reject) => {
      const records = (source as unknown as Records).getAllRecords;
      const request = records
        ? records.call(source, { query, count: 1, direction: 'prev' })
        : source.openCursor(query, 'prev');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const result = request.result as Array<{ value: unknown }> | IDBCursorWithValue | null;
        resolve((Array.isArray(result) ? result[0]?.value : result?.value) as StoredVersion | undefined);
      };
    });

  return {
    name: 'raw idb',
    durability: "one transaction per batch, durability 'strict' (the library's default)",
    async create() {
      name = `bench-raw-idb-${Date.now()}-${counter++}`;
      await usage.start();
      await openIt();
    },
    async reopen() {
      db.close();
      await openIt();
    },
    async close() {
      db.close();
    },
    async destroy() {
      db.close();
      await deleteDB(name);
    },
    diskBytes: () => usage.bytes(),
    setNow(value) {
      now = value;
    },
    ...specWriters(write),
    ingestDecisions: (batch: DecisionEvent[]) =>
      writeTx(['decisions'], (tx) => {
        const store = tx.objectStore('decisions');
        for (const d of batch) store.add(d, [d.timestamp, nextSeq()]);
      }),
    ingestPatterns: (batch) =>
      writeTx(['patterns'], (tx) => {
        const store = tx.objectStore('patterns');
        for (const p of batch) store.add({ ...p, seq: nextSeq() });
      }),
    async latest(identifier) {
      const specs = unwrap(db).transaction('specs').objectStore('specs');
      return digest.version(await lastIn(specs, IDBKeyRange.bound([identifier, -Infinity], [identifier, Infinity])));
    },
    async asOf(identifier, instant) {
      const asOf = unwrap(db).transaction('specs').objectStore('specs').index('asOf');
      return digest.version(await lastIn(asOf, IDBKeyRange.bound([identifier, -Infinity], [identifier, instant])));
    },
    async history(identifier) {
      return digest.history(await db.getAll('specs', IDBKeyRange.bound([identifier, -Infinity], [identifier, Infinity])));
    },
    async changes(since, until) {
      const range = IDBKeyRange.bound([since, -Infinity], [until, Infinity]);
      const tx = db.transaction(['changes', 'decisions']);
      const [versions, decisions] = await Promise.all([tx.objectStore('changes').getAll(range), tx.objectStore('decisions').getAll(range)]);
      return digest.changes(mergeByTime(versions as LeanChange[], (decisions as DecisionEvent[]).map(decisionAsChange)));
    },
    async analyze(days) {
      const rows = (await db.getAll('decisions', IDBKeyRange.bound([now - days * DAY, -Infinity], [now, Infinity]))) as DecisionEvent[];
      return digest.analysis(groupDecisions(rows));
    },
    async similar(context, threshold, lookbackDays) {
      const rows = (await db.getAllFromIndex('patterns', 'activity', IDBKeyRange.lowerBound(now - lookbackDays * DAY))) as PatternSeed[];
      return rankPatterns(rows, context, threshold);
    },
  };
}
