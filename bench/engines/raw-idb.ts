// Baseline: IndexedDB through idb with a hand-written layout, the floor of the library's overhead in browsers.
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionChange, groupDecisions, nextSeq, rankPatterns, specWriters, type StoredVersion } from './baseline-records.js';

const durability = 'strict' as const;
let counter = 0;

export function rawIdbEngine(): BenchEngine {
  let name = '';
  let db: IDBPDatabase;
  let now = Date.now();

  const openIt = async () => {
    db = await openDB(name, 1, {
      upgrade(database) {
        const specs = database.createObjectStore('specs', { keyPath: ['identifier', 'version'] });
        specs.createIndex('asOf', ['identifier', 'timestamp', 'version']);
        database.createObjectStore('changes', { keyPath: ['timestamp', 'id'] });
        database.createObjectStore('decisions', { keyPath: ['timestamp', 'seq'] });
        database.createObjectStore('patterns', { keyPath: 'seq' }).createIndex('activity', 'timestamp');
      },
    });
  };
  async function write(stored: StoredVersion[]) {
    const tx = db.transaction(['specs', 'changes'], 'readwrite', { durability });
    const specs = tx.objectStore('specs');
    const changes = tx.objectStore('changes');
    for (const v of stored) {
      const previous = v.version > 1 ? ((await specs.get([v.identifier, v.version - 1])) as StoredVersion | undefined) : undefined;
      void specs.add(v);
      void changes.add(changeFor(v, previous, nextSeq()));
    }
    await tx.done;
  }

  return {
    name: 'raw idb',
    durability: "one transaction per batch, durability 'strict'",
    async create() {
      name = `bench-raw-idb-${Date.now()}-${counter++}`;
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
    setNow(value) {
      now = value;
    },
    ...specWriters(write),
    async ingestDecisions(batch: DecisionEvent[]) {
      const tx = db.transaction(['decisions', 'changes'], 'readwrite', { durability });
      for (const d of batch) {
        const seq = nextSeq();
        void tx.objectStore('decisions').add({ ...d, seq });
        void tx.objectStore('changes').add(decisionChange(d, seq));
      }
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
      const range = IDBKeyRange.bound([identifier, -Infinity, -Infinity], [identifier, instant, Infinity]);
      const cursor = await db.transaction('specs').store.index('asOf').openCursor(range, 'prev');
      return digest.version(cursor?.value as StoredVersion | undefined);
    },
    async history(identifier) {
      return digest.history(await db.getAll('specs', IDBKeyRange.bound([identifier, -Infinity], [identifier, Infinity])));
    },
    async changes(since, until) {
      return digest.changes(await db.getAll('changes', IDBKeyRange.bound([since, ''], [until, '\uffff'])));
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
