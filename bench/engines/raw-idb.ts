// Baseline: IndexedDB through idb with a lean hand-written layout, the floor of the library's overhead in browsers.
// Versions once by [identifier, version] with an as-of index on [identifier, timestamp]; a time-ordered
// change log, and the decision log doubling as the change log of decisions. Writes never read.
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
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
  async function write(stored: StoredVersion[]) {
    const tx = db.transaction(['specs', 'changes'], 'readwrite', { durability });
    const specs = tx.objectStore('specs');
    const changes = tx.objectStore('changes');
    for (const v of stored) {
      void specs.add(v);
      void changes.add(changeFor(v), [v.timestamp, nextSeq()]);
    }
    await tx.done;
  }

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
    async ingestDecisions(batch: DecisionEvent[]) {
      const tx = db.transaction('decisions', 'readwrite', { durability });
      for (const d of batch) void tx.store.add(d, [d.timestamp, nextSeq()]);
      await tx.done;
    },
    async ingestPatterns(batch) {
      const tx = db.transaction('patterns', 'readwrite', { durability });
      for (const p of batch) void tx.store.add({ ...p, seq: nextSeq() });
      await tx.done;
    },
    async latest(identifier) {
      const cursor = await db.transaction('specs').store.openCursor(IDBKeyRange.bound([identifier, -Infinity], [identifier, Infinity]), 'prev');
      return digest.version(cursor?.value as StoredVersion | undefined);
    },
    async asOf(identifier, instant) {
      const range = IDBKeyRange.bound([identifier, -Infinity], [identifier, instant]);
      const cursor = await db.transaction('specs').store.index('asOf').openCursor(range, 'prev');
      return digest.version(cursor?.value as StoredVersion | undefined);
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
