// Baseline: Dexie, the usual choice over IndexedDB, written lean: bulkAdd in one transaction per batch,
// versions by [identifier+version] with a compound as-of index, a time-ordered change log, and the
// decision log doubling as the change log of decisions. Writes never read.
import Dexie, { type Table } from 'dexie';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionAsChange, groupDecisions, mergeByTime, nextSeq, rankPatterns, specWriters, type LeanChange, type StoredVersion } from './baseline-records.js';
import { usageTracker } from './browser-usage.js';

class BenchDexie extends Dexie {
  specs!: Table<StoredVersion>;
  changes!: Table<LeanChange & { seq: number }>;
  decisions!: Table<DecisionEvent & { seq: number }>;
  patterns!: Table<PatternSeed & { seq: number }>;
  constructor(name: string) {
    // 'strict', like the library's default: a commit is flushed before it resolves.
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      specs: '[identifier+version], [identifier+timestamp]',
      changes: '[timestamp+seq]',
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
  const usage = usageTracker();
  const write = (stored: StoredVersion[]) =>
    db.transaction('rw', db.specs, db.changes, () =>
      Promise.all([db.specs.bulkAdd(stored), db.changes.bulkAdd(stored.map((v) => ({ ...changeFor(v), seq: nextSeq() })))]),
    );

  return {
    name: 'dexie',
    durability: "one transaction per batch, chromeTransactionDurability 'strict' (the library's default)",
    async create() {
      name = `bench-dexie-${Date.now()}-${counter++}`;
      await usage.start();
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
    diskBytes: () => usage.bytes(),
    setNow(value) {
      now = value;
    },
    ...specWriters(write),
    async ingestDecisions(batch) {
      await db.decisions.bulkAdd(batch.map((d) => ({ ...d, seq: nextSeq() })));
    },
    async ingestPatterns(batch) {
      await db.patterns.bulkAdd(batch.map((p) => ({ ...p, seq: nextSeq() })));
    },
    async latest(identifier) {
      return digest.version(await db.specs.where('[identifier+version]').between([identifier, Dexie.minKey], [identifier, Dexie.maxKey]).last());
    },
    async asOf(identifier, instant) {
      const found = await db.specs.where('[identifier+timestamp]').between([identifier, -Infinity], [identifier, instant], true, true).last();
      return digest.version(found);
    },
    async history(identifier) {
      return digest.history(await db.specs.where('[identifier+version]').between([identifier, Dexie.minKey], [identifier, Dexie.maxKey]).toArray());
    },
    async changes(since, until) {
      const [versions, decisions] = await db.transaction('r', db.changes, db.decisions, () =>
        Promise.all([
          db.changes.where('[timestamp+seq]').between([since, Dexie.minKey], [until, Dexie.maxKey], true, true).toArray(),
          db.decisions.where('[timestamp+seq]').between([since, Dexie.minKey], [until, Dexie.maxKey], true, true).toArray(),
        ]),
      );
      return digest.changes(mergeByTime<LeanChange>(versions, decisions.map(decisionAsChange)));
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
