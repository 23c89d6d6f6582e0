import { describe, expect, it } from 'vitest';
import { liveTable, loadTable, parseSyncArgs } from '../../bench/sync.js';
import { measureLive } from '../../bench/sync-live.js';
import { runLoad } from '../../bench/sync-load.js';
import { clientVersions, digestLines, expectedVersions, versionProblems, type SyncSize } from '../../bench/sync-workload.js';

// Not a timing test: `npm run bench:sync` at a tiny size still runs both ways, and its checks hold.
const TINY: SyncSize = { clients: 3, versions: 12, sharedShare: 0.25, groupSize: 2, ownIdentifiers: 2, sharedIdentifiers: 1 };

async function* linesOf(lines: string[]) {
  yield* lines;
}

describe('the sync benchmark at a tiny size', () => {
  it('has clients of a group write the same shared identifier, so siblings occur', () => {
    const ids = (c: number) => new Set(clientVersions(TINY, c).map((v) => v.identifier));
    const shared = [...ids(0)].filter((id) => ids(1).has(id));
    expect(shared).toEqual(['ADR-G000-00']);
    expect([...ids(2)].some((id) => ids(0).has(id))).toBe(false);
    expect(expectedVersions(TINY).get('ADR-G000-00')).toBe(6);
    expect([...expectedVersions(TINY).values()].reduce((a, b) => a + b)).toBe(36);
  });

  it('finds a lost and a duplicated version in an export', async () => {
    const version = (id: string, identifier: string) => JSON.stringify({ table: 'specifications', record: { id, identifier } });
    const size: SyncSize = { ...TINY, clients: 1, versions: 2, sharedShare: 0 };
    const [a, b] = clientVersions(size, 0).map((v) => v.identifier);
    const header = '{"format":"temporal-db"}';
    expect(versionProblems(size, await digestLines(linesOf([header, version('1', a!), version('2', b!)])))).toEqual([]);
    expect(versionProblems(size, await digestLines(linesOf([header, version('1', a!)])))).toEqual([`${b}: 0 versions, expected 1`]);
    expect(versionProblems(size, await digestLines(linesOf([header, version('1', a!), version('1', b!)])))).toEqual(['1 version ids appear twice']);
  });

  it('converges by sync and by whole-file export/import, every client identical to the service, no version lost or duplicated', async () => {
    const log = () => undefined;
    const kindOf = (c: number) => (c % 2 ? ('lmdb' as const) : ('memory' as const));
    const sync = await runLoad('sync', { size: TINY, workers: 2, kindOf, log });
    const file = await runLoad('whole-file', { size: TINY, workers: 2, kindOf, log });
    for (const f of [sync, file]) {
      expect(f.problems).toEqual([]);
      expect(f.identicalClients).toBe(3);
      expect(f.service.duplicateIds).toBe(0);
      // Two clients wrote versions 1..3 of the shared identifier: 3 pairs of siblings, each with its Conflict record.
      expect(f.service.conflicts).toBe(3);
    }
    // Each version and its change record, plus the Conflict records.
    expect(sync.service.lines).toBe(36 * 2 + 3);
    expect(file.service.lines).toBe(sync.service.lines);
    expect(sync.rounds).toBeGreaterThanOrEqual(2);
    expect(loadTable([sync, file])).toMatch(/\| clients identical to the service \| 3\/3 \| 3\/3 \|/);
  });

  it('measures live-query latency in one process and across two processes on one LMDB store', async () => {
    const { figures, skipped } = await measureLive({ samples: 3, tabs: false, log: () => undefined });
    expect(figures.map((f) => [f.case, f.samples])).toEqual([
      ['same process (memory)', 3],
      ['same process (LMDB)', 3],
      ['across processes (LMDB)', 3],
    ]);
    expect(figures.every((f) => Number.isFinite(f.p50Ms) && f.p99Ms >= f.p50Ms)).toBe(true);
    expect(skipped).toEqual(['PostgreSQL (no server reachable)', 'Chromium tabs']);
    expect(liveTable(figures)).toMatch(/\| across processes \(LMDB\) \(the listener polls the last commit every 50 ms\) \|/);
  });

  it('takes its size from the command line', () => {
    expect(parseSyncArgs(['--quick']).size).toMatchObject({ clients: 10, versions: 100 });
    expect(parseSyncArgs(['--clients', '7', '--versions', '30']).size).toMatchObject({ clients: 7, versions: 30 });
    expect(() => parseSyncArgs(['--clients', '0'])).toThrow('--clients takes a positive whole number');
  });
});
