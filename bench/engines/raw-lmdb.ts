// Baseline: lmdb-js with a hand-written layout, the floor of the library's overhead in Node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, decisionChange, groupDecisions, nextSeq, rankPatterns, toStored, type StoredVersion } from './baseline-records.js';

type K = Array<string | number>;

export function rawLmdbEngine(): BenchEngine {
  let path = '';
  let root: RootDatabase;
  let specs: Database<StoredVersion, K>;
  let asOfIndex: Database<number, K>;
  let changes: Database<unknown, K>;
  let decisions: Database<DecisionEvent, K>;
  let patterns: Database<PatternSeed, K>;
  let now = Date.now();

  function openAll() {
    root = open({ path, maxDbs: 16 });
    // Same encoding options as the library (lmdb-js recommends shared structures for records).
    const structures = { sharedStructuresKey: Symbol.for('bench.structures') };
    specs = root.openDB({ name: 'specs', ...structures });
    asOfIndex = root.openDB({ name: 'asof', ...structures });
    changes = root.openDB({ name: 'changes', ...structures });
    decisions = root.openDB({ name: 'decisions', ...structures });
    patterns = root.openDB({ name: 'patterns', ...structures });
  }

  function writeVersion(v: StoredVersion) {
    const previous = v.version > 1 ? specs.get([v.identifier, v.version - 1]) : undefined;
    specs.put([v.identifier, v.version], v);
    asOfIndex.put([v.identifier, v.timestamp, v.version], v.version);
    const seq = nextSeq();
    changes.put([v.timestamp, `c${seq}`], changeFor(v, previous, seq));
  }

  return {
    name: 'raw lmdb',
    durability: 'sync commit (durable)',
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
    setNow(value) {
      now = value;
    },
    async ingestSpecs(batch) {
      const stored = await Promise.all(batch.map(toStored));
      await root.transaction(() => {
        for (const v of stored) writeVersion(v);
      });
    },
    async storeOne(version) {
      const stored = await toStored(version);
      await root.transaction(() => writeVersion(stored));
    },
    async ingestDecisions(batch) {
      await root.transaction(() => {
        for (const d of batch) {
          const seq = nextSeq();
          decisions.put([d.timestamp, `d${seq}`], d);
          changes.put([d.timestamp, `d${seq}`], decisionChange(d, seq));
        }
      });
    },
    async ingestPatterns(batch) {
      await root.transaction(() => {
        for (const p of batch) patterns.put([p.timestamp, `p${nextSeq()}`], p);
      });
    },
    async latest(identifier) {
      for (const { value } of specs.getRange({ start: [identifier, Infinity], end: [identifier, 0], reverse: true, limit: 1 })) {
        return digest.version(value);
      }
      return digest.version(undefined);
    },
    async asOf(identifier, instant) {
      for (const { value } of asOfIndex.getRange({ start: [identifier, instant, Infinity], end: [identifier, -Infinity], reverse: true, limit: 1 })) {
        return digest.version(specs.get([identifier, value]));
      }
      return digest.version(undefined);
    },
    async history(identifier) {
      return digest.history(Array.from(specs.getRange({ start: [identifier, 0], end: [identifier, Infinity] }), ({ value }) => value));
    },
    async changes(since, until) {
      const rows = Array.from(changes.getRange({ start: [since], end: [until, '\uffff'] }), ({ value }) => value);
      return digest.changes(rows as never);
    },
    async analyze(days) {
      const rows = Array.from(decisions.getRange({ start: [now - days * DAY], end: [now, '\uffff'] }), ({ value }) => value);
      return digest.analysis(groupDecisions(rows));
    },
    async similar(context, threshold, lookbackDays) {
      const candidates = Array.from(patterns.getRange({ start: [now - lookbackDays * DAY] }), ({ value }) => value);
      return rankPatterns(candidates, context, threshold);
    },
  };
}
