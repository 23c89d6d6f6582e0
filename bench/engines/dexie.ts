// Baseline: Dexie, the usual choice over IndexedDB, with compound indexes for the same queries.
import Dexie, { type Table } from 'dexie';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionChange, groupDecisions, nextSeq, rankPatterns, specWriters, type StoredVersion } from './baseline-records.js';

class BenchDexie extends Dexie {
  specs!: Table<StoredVersion>;
  changes!: Table<unknown>;
  decisions!: Table<DecisionEvent & { seq: number }>;
  patterns!: Table<PatternSeed & { seq: number }>;
  constructor(name: string) {
    // 'strict', like the library's default: a commit is flushed before it resolves.
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      specs: '[identifier+version], [identifier+timestamp+version]',
      changes: '[timestamp+id]',
      decisions: '[timestamp+seq]',
      patterns: 'seq, timestamp',
    });
  }
}

let counter = 0;

export function dexieEngine(): BenchEngine {
  let name = '';
  let db: BenchDexie;
  let now = Date.now();
  const write = (stored: StoredVersion[]) =>
    db.transaction('rw', db.specs, db.changes, async () => {
      const previous = await db.specs.bulkGet(stored.map((v) => [v.identifier, v.version - 1]));
      const inBatch = new Map(stored.map((v) => [`${v.identifier}@${v.version}`, v]));
      await db.specs.bulkAdd(stored);
      await db.changes.bulkAdd(
        stored.map((v, i) => changeFor(v, previous[i] ?? inBatch.get(`${v.identifier}@${v.version - 1}`), nextSeq())),
      );
    });

  return {
    name: 'dexie',
    durability: "one transaction per batch, chromeTransactionDurability 'strict'",
    async create() {
      name = `bench-dexie-${Date.now()}-${counter++}`;
      db = new BenchDexie(name);
      await db.open();
    },
    async reopen() {
      db.close();
      db = new BenchDexie(name);
      await db.open();
    },
    async close() {
      db.close();
    },
    async destroy() {
      db.close();
      await Dexie.delete(name);
    },
    setNow(value) {
      now = value;
    },
    ...specWriters(write),
    async ingestDecisions(batch) {
      await db.transaction('rw', db.decisions, db.changes, async () => {
        const rows = batch.map((d) => ({ ...d, seq: nextSeq() }));
        await db.decisions.bulkAdd(rows);
        await db.changes.bulkAdd(rows.map((d) => decisionChange(d, d.seq)));
      });
    },
    async ingestPatterns(batch) {
      await db.patterns.bulkAdd(batch.map((p) => ({ ...p, seq: nextSeq() })));
    },
    async latest(identifier) {
      return digest.version(await db.specs.where('[identifier+version]').between([identifier, Dexie.minKey], [identifier, Dexie.maxKey]).last());
    },
    async asOf(identifier, instant) {
      const found = await db.specs
        .where('[identifier+timestamp+version]')
        .between([identifier, -Infinity, -Infinity], [identifier, instant, Infinity], true, true)
        .last();
      return digest.version(found);
    },
    async history(identifier) {
      return digest.history(await db.specs.where('[identifier+version]').between([identifier, Dexie.minKey], [identifier, Dexie.maxKey]).toArray());
    },
    async changes(since, until) {
      return digest.changes((await db.changes.where('[timestamp+id]').between([since, Dexie.minKey], [until, Dexie.maxKey], true, true).toArray()) as never);
    },
    async analyze(days) {
      const rows = await db.decisions.where('[timestamp+seq]').between([now - days * DAY, Dexie.minKey], [now, Dexie.maxKey], true, true).toArray();
      return digest.analysis(groupDecisions(rows));
    },
    async similar(context, threshold, lookbackDays) {
      const candidates = await db.patterns.where('timestamp').aboveOrEqual(now - lookbackDays * DAY).toArray();
      return rankPatterns(candidates, context, threshold);
    },
  };
}
