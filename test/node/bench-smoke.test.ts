import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryEngine } from '../../bench/engines/library.js';
import { rawLmdbEngine } from '../../bench/engines/raw-lmdb.js';
import { sqliteEngine } from '../../bench/engines/sqlite.js';
import { formatTable, runBenchmark } from '../../bench/harness.js';
import { makeWorkload, scaleHistory } from '../../bench/workload.js';
import { openTemporalDb } from '../../src/lmdb.js';

// Not a timing test: the benchmark at a tiny size still runs, and every engine still agrees with the oracle.
describe('the benchmark at a tiny size', () => {
  it('runs every workload on every engine and every answer matches the oracle', async () => {
    const workload = makeWorkload({ identifiers: 12, versions: 6, decisions: 600, patterns: 80, reads: 60, seed: 3 });
    const library = libraryEngine('temporal-db', 'durable', () => {
      const path = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
      return { open: (clock) => openTemporalDb({ path, clock }), destroy: async () => rmSync(path, { recursive: true, force: true }) };
    });
    const results = await runBenchmark(workload, [library, rawLmdbEngine(), sqliteEngine()], {
      repetitions: 1,
      batchSize: 25,
      concurrentStores: 30,
      log: () => undefined,
    });
    expect(new Set(results.map((r) => r.engine))).toEqual(new Set(['temporal-db', 'raw lmdb', 'better-sqlite3']));
    expect(results.filter((r) => r.engine === 'temporal-db')).toHaveLength(11);
    expect(results.every((r) => Number.isFinite(r.value) && r.value > 0)).toBe(true);
    // The baselines report their disk footprint after ingest.
    expect(results.filter((r) => r.workload === 'disk after ingest').map((r) => r.engine).sort()).toEqual(['better-sqlite3', 'raw lmdb']);
    expect(formatTable(results, 'temporal-db')).toMatch(/\| latest version \(reads\/s\) +\|/);
    expect(formatTable(results, 'temporal-db')).toMatch(/\| latest version, first read of each \(reads\/s\) +\|/);
  });

  it('at a longer history (--history-scale) every engine still matches the oracle', async () => {
    const workload = makeWorkload(scaleHistory({ identifiers: 6, versions: 3, decisions: 200, patterns: 30, reads: 30, seed: 5 }, 3));
    expect(workload.versions.at(-1)!.timestamp - workload.versions[0]!.timestamp).toBeGreaterThan(2 * 365 * 86_400_000);
    const library = libraryEngine('temporal-db', 'durable', () => {
      const path = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
      return { open: (clock) => openTemporalDb({ path, clock }), destroy: async () => rmSync(path, { recursive: true, force: true }) };
    });
    const results = await runBenchmark(workload, [library, rawLmdbEngine(), sqliteEngine()], {
      repetitions: 1,
      batchSize: 20,
      concurrentStores: 10,
      log: () => undefined,
    });
    expect(results.filter((r) => r.workload === 'analyzeDecisionPatterns(30)')).toHaveLength(3);
  });
});
