import { describe, expect, it } from 'vitest';
import { rawPgEngine } from '../../bench/engines/raw-pg.js';
import { formatTable, runBenchmark } from '../../bench/harness.js';
import { measureInstances } from '../../bench/pg-instances.js';
import { libraryOnPostgres } from '../../bench/postgres.js';
import { makeWorkload } from '../../bench/workload.js';
import { PG_TEST_URL } from './server.js';

// Not a timing test: `npm run bench:postgres` at a tiny size still runs, and both engines agree with the oracle.
describe('the PostgreSQL benchmark at a tiny size', () => {
  it('runs every workload on the library and on raw pg, every answer matching the oracle', async () => {
    const workload = makeWorkload({ identifiers: 8, versions: 4, decisions: 300, patterns: 40, reads: 30, seed: 3 });
    const results = await runBenchmark(workload, [libraryOnPostgres(PG_TEST_URL), rawPgEngine(PG_TEST_URL)], {
      repetitions: 1,
      batchSize: 20,
      concurrentStores: 12,
      log: () => undefined,
    });
    expect(new Set(results.map((r) => r.engine))).toEqual(new Set(['temporal-db', 'raw pg']));
    expect(results.filter((r) => r.engine === 'raw pg')).toHaveLength(results.filter((r) => r.engine === 'temporal-db').length);
    expect(results.every((r) => Number.isFinite(r.value) && r.value > 0)).toBe(true);
    expect(formatTable(results, 'temporal-db')).toMatch(/\| analyzeDecisionPatterns\(30\) \(queries\/s\) +\|/);
  });

  it('runs service instances as child processes on one store, distinct and shared identifiers and separate stores, each version stored once', async () => {
    const figures = await measureInstances(PG_TEST_URL, { counts: [1, 2], writesPerInstance: 6, inFlight: 2, log: () => undefined });
    expect(figures.map((f) => [f.mode, f.instances, f.versions])).toEqual([
      ['distinct', 1, 6],
      ['distinct', 2, 12],
      ['shared', 1, 6],
      ['shared', 2, 12],
      ['separate stores', 1, 6],
      ['separate stores', 2, 12],
    ]);
    expect(figures.every((f) => f.versionsPerSecond > 0 && f.p99Ms >= f.p50Ms)).toBe(true);
  });
});
