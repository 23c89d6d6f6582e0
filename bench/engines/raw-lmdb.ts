// Baseline: lmdb-js with a lean hand-written layout, the floor of the library's overhead in Node.
// Versions once by [identifier, version]; an as-of index [identifier, timestamp, version];
// a time-ordered change log and decision log (the decision log doubles as the change log of
// decisions). Writes never read; a bulk batch is one transactionSync (the fastest way lmdb-js
// offers, at the same durability), single stores are async puts that lmdb-js batches per event
// turn; reads are direct gets or one range read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionAsChange, groupDecisions, mergeByTime, nextSeq, rankPatterns, specWriters, toStored, type LeanChange, type StoredVersion } from './baseline-records.js';
import { lmdbDiskBytes } from './lmdb-footprint.js';

type K = Array<string | number>;

/** The library's LMDB backend opens with lmdb-js's defaults too (only maxDbs set, noSync false). */
export const LMDB_DURABILITY =
  "lmdb-js defaults: a write resolves once committed and is fsynced right after (overlappingSync, Linux's default); " +
  'a process crash loses nothing, a machine crash can lose the last commits but never corrupts';

export function rawLmdbEngine(): BenchEngine & { path(): string } {
  let path = '';
  let root: RootDatabase;
  let specs: Database<StoredVersion, K>;
  let asOfIndex: Database<null, K>;
  let changes: Database<LeanChange, K>;
  let decisions: Database<DecisionEvent, K>;
  let patterns: Database<PatternSeed, K>;
  let now = Date.now();

  function openAll() {
    root = open({ path, maxDbs: 16 });
    // The library's encoding: msgpack with shared structures (lmdb-js's recommendation for records).
    const structures = { sharedStructuresKey: Symbol.for('bench.structures') };
    specs = root.openDB({ name: 'specs', ...structures });
    asOfIndex = root.openDB({ name: 'asof', ...structures });
    changes = root.openDB({ name: 'changes', ...structures });
    decisions = root.openDB({ name: 'decisions', ...structures });
    patterns = root.openDB({ name: 'patterns', ...structures });
  }

  // With overlappingSync a sync transaction, like an async one, returns once committed and is fsynced after.
  function writeVersions(stored: StoredVersion[]) {
    root.transactionSync(() => {
      for (const v of stored) {
        specs.putSync([v.identifier, v.version], v);
        asOfIndex.putSync([v.identifier, v.timestamp, v.version], null);
        changes.putSync([v.timestamp, nextSeq()], changeFor(v));
      }
    });
  }

  return {
    name: 'raw lmdb',
    durability: LMDB_DURABILITY,
    path: () => path,
    async create() {
      path = mkdtempSync(join(tmpdir(), 'bench-raw-lmdb-'));
      openAll();
    },
    async reopen() {
      await root.close();
      openAll();
    },
    async close() {
      await root.close();
    },
    async destroy() {
      await root.close();
      rmSync(path, { recursive: true, force: true });
    },
    async diskBytes() {
      await root.flushed;
      return lmdbDiskBytes(path);
    },
    setNow(value) {
      now = value;
    },
    ingestSpecs: specWriters(writeVersions).ingestSpecs,
    // Concurrent single stores: async puts made in one event turn share one transaction.
    async storeOne(version) {
      const v = await toStored(version);
      void specs.put([v.identifier, v.version], v);
      void asOfIndex.put([v.identifier, v.timestamp, v.version], null);
      await changes.put([v.timestamp, nextSeq()], changeFor(v));
    },
    async ingestDecisions(batch) {
      root.transactionSync(() => {
        for (const d of batch) decisions.putSync([d.timestamp, nextSeq()], d);
      });
    },
    async ingestPatterns(batch) {
      root.transactionSync(() => {
        for (const p of batch) patterns.putSync([p.timestamp, nextSeq()], p);
      });
    },
    async latest(identifier) {
      for (const { value } of specs.getRange({ start: [identifier, Infinity], end: [identifier, 0], reverse: true, limit: 1 })) {
        return digest.version(value);
      }
      return digest.version(undefined);
    },
    async asOf(identifier, instant) {
      for (const { key } of asOfIndex.getRange({ start: [identifier, instant, Infinity], end: [identifier, -Infinity], reverse: true, limit: 1 })) {
        return digest.version(specs.get([identifier, key[2]!]));
      }
      return digest.version(undefined);
    },
    async history(identifier) {
      return digest.history([...specs.getRange({ start: [identifier, 0], end: [identifier, Infinity] }).map(({ value }) => value)]);
    },
    async changes(since, until) {
      const versions = [...changes.getRange({ start: [since], end: [until, Infinity] }).map(({ value }) => value)];
      const made = [...decisions.getRange({ start: [since], end: [until, Infinity] }).map(({ value }) => decisionAsChange(value))];
      return digest.changes(mergeByTime(versions, made));
    },
    async analyze(days) {
      const rows = [...decisions.getRange({ start: [now - days * DAY], end: [now, Infinity] }).map(({ value }) => value)];
      return digest.analysis(groupDecisions(rows));
    },
    async similar(context, threshold, lookbackDays) {
      const candidates = [...patterns.getRange({ start: [now - lookbackDays * DAY] }).map(({ value }) => value)];
      return rankPatterns(candidates, context, threshold);
    },
  };
}
