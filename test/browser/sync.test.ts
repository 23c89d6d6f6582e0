// An IndexedDB store in Chromium syncing with a Node service (LMDB), the
// same client code as in Node: sync, startSync with pokes, and recovery from
// an outage through the browser's `online` event.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { startSync, sync } from '../../src/sync.js';
import { testDatabases } from './databases.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    startSyncServer: () => Promise<string>;
    pauseSyncServer: (paused: boolean) => Promise<void>;
    nodeReplicaWrite: (identifier: string, title: string) => Promise<{ pushed: number; pulled: number }>;
    syncServerRecords: () => Promise<string[]>;
    stopSyncServer: () => Promise<void>;
  }
}

const databases = testDatabases('sync');
afterEach(() => commands.stopSyncServer());

const recordsOf = async (db: Awaited<ReturnType<typeof databases.open>>) => {
  const lines: string[] = [];
  for await (const line of db.exportLines()) lines.push(line);
  return lines.slice(1);
};

const adr = (identifier: string, title: string) => ({ specType: 'ADR' as const, identifier, title, content: `${title}.` });

describe('sync in Chromium (IndexedDB) with a Node service', () => {
  it('pushes and pulls like a Node replica, and converges to the server export line for line', async () => {
    const url = await commands.startSyncServer();
    const db = await databases.open();
    await db.storeSpecification(adr('ADR-001', 'From the browser'));
    expect(await sync(db, url)).toEqual({ pushed: 2, pulled: 0, reset: false });
    expect(await commands.nodeReplicaWrite('ADR-002', 'From Node')).toMatchObject({ pushed: 2, pulled: 2 });
    expect(await sync(db, url)).toEqual({ pushed: 0, pulled: 2, reset: false });
    expect((await db.getSpecification('ADR-002'))?.title).toBe('From Node');
    expect(await recordsOf(db)).toEqual(await commands.syncServerRecords());
  });

  it('startSync: a write made in Node arrives without a call; during an outage it backs off, and `online` resumes it', async () => {
    const url = await commands.startSyncServer();
    const db = await databases.open();
    // A first retry 15 to 30 s away: only the `online` event can bring the write in within the waits below.
    const handle = startSync(db, url, { minRetryMs: 30_000, maxRetryMs: 60_000 });
    try {
      await commands.nodeReplicaWrite('ADR-010', 'Poked');
      await vi.waitFor(async () => expect((await db.getSpecification('ADR-010'))?.title).toBe('Poked'), { timeout: 20_000, interval: 20 });

      await commands.pauseSyncServer(true);
      await db.storeSpecification(adr('ADR-011', 'Written offline'));
      await vi.waitFor(() => expect(handle.status).toBe('offline'), { timeout: 10_000, interval: 10 });
      expect(handle.error?.code).toBe('SYNC_UNAVAILABLE');

      await commands.pauseSyncServer(false);
      window.dispatchEvent(new Event('online'));
      await vi.waitFor(async () => expect((await commands.syncServerRecords()).some((line) => line.includes('Written offline'))).toBe(true), {
        timeout: 10_000,
        interval: 50,
      });
      await vi.waitFor(() => expect(handle.status).toBe('idle'), { timeout: 10_000, interval: 10 });
      await vi.waitFor(async () => expect(await recordsOf(db)).toEqual(await commands.syncServerRecords()), { timeout: 10_000, interval: 50 });
    } finally {
      await handle.stop();
    }
  });
});
