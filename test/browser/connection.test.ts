import { describe, expect, it } from 'vitest';
import { IndexedDbBackend } from '../../src/backends/indexeddb/indexeddb-backend.js';
import { writeOps } from '../../src/core/commit-plan.js';
import { SCHEMA_VERSION, TemporalDbError, type ConnectionLostReason, type TemporalDb } from '../../src/index.js';
import { adr, expectError } from '../contract/context.js';
import { testDatabases } from './databases.js';

// Runs in real Chromium, and under happy-dom with fake-indexeddb.
const chromium = !('happyDOM' in globalThis) && typeof navigator !== 'undefined' && /Chrome/.test(navigator.userAgent);

const databases = testDatabases('connection');
const newName = databases.newName;

async function open(name: string): Promise<{ db: TemporalDb; lost: ConnectionLostReason[] }> {
  const db = await databases.open(name);
  const lost: ConnectionLostReason[] = [];
  db.addEventListener('connectionlost', (event) => lost.push(event.reason));
  return { db, lost };
}

/** What another tab does: open the database at `version`, optionally giving up during its upgrade. */
function otherTab(name: string, version: number, abortUpgrade = false): Promise<IDBDatabase | DOMException> {
  return new Promise((resolve) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => {
      if (abortUpgrade) request.transaction!.abort();
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(request.error!);
  });
}

/** The latest connection opened to each database, so that a test can close it the way the browser does. */
const connections = new Map<string, IDBDatabase>();
if (!chromium) {
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (name: string, version?: number) => {
    const request = open(name, version);
    request.addEventListener('success', () => connections.set(name, request.result));
    return request;
  };
}

/**
 * How the browser closes the connection to `name`: site data cleared in
 * Chromium, a forced close in fake-indexeddb (which happens at once, when called).
 */
async function browserCloser(name: string): Promise<() => Promise<void>> {
  if (chromium) {
    const { cdp } = await import('vitest/browser');
    return async () => {
      await cdp().send('Storage.clearDataForOrigin', { origin: location.origin, storageTypes: 'indexeddb' });
    };
  }
  const { forceCloseDatabase } = await import('fake-indexeddb');
  return async () => forceCloseDatabase(connections.get(name) as never);
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('an IndexedDB connection closed from outside', () => {
  it("closes itself for another tab's upgrade, tells the app, and then fails with UNSUPPORTED_SCHEMA, coded", async () => {
    const name = newName();
    const { db, lost } = await open(name);
    await db.storeSpecification(adr('ADR-001'));
    const other = await otherTab(name, SCHEMA_VERSION + 1);
    expect(other).not.toBeInstanceOf(DOMException);
    expect(lost).toEqual(['versionchange']);
    expect(db.closed).toBe(false);
    const error = await expectError(db.getSpecification('ADR-001'), 'UNSUPPORTED_SCHEMA');
    expect(error.cause).toBeInstanceOf(DOMException);
    await expectError(db.storeSpecification(adr('ADR-002')), 'UNSUPPORTED_SCHEMA');
    await expectError(db.getChanges(), 'UNSUPPORTED_SCHEMA');
    (other as IDBDatabase).close();
    await db.close();
    await expectError(db.getSpecification('ADR-001'), 'DATABASE_CLOSED');
  });

  it("reconnects transparently when the other tab's upgrade did not happen, and a write under way completes", async () => {
    const name = newName();
    const { db, lost } = await open(name);
    await db.storeSpecification(adr('ADR-001'));
    const underWay = db.storeSpecification(adr('ADR-001', { status: 'accepted' }));
    const other = await otherTab(name, SCHEMA_VERSION + 1, true);
    expect(other).toBeInstanceOf(DOMException);
    expect(lost).toEqual(['versionchange']);
    expect((await underWay).version).toBe(2);
    expect((await db.getSpecification('ADR-001'))?.status).toBe('accepted');
    expect((await db.storeSpecification(adr('ADR-002'))).version).toBe(1);
    expect((await db.listSpecifications()).map((s) => s.identifier)).toEqual(['ADR-001', 'ADR-002']);
    expect(lost).toEqual(['versionchange']);
  });

  it('reconnects after the browser closed the connection, and tells the app', async () => {
    const name = newName();
    const { db, lost } = await open(name);
    await db.storeSpecification(adr('ADR-001'));
    await (await browserCloser(name))();
    await until(() => lost.length > 0);
    expect(lost).toEqual(['terminated']);
    // Clearing site data (Chromium) removed the store; a forced close (fake-indexeddb) kept it.
    const stored = await db.storeSpecification(adr('ADR-001', { status: 'accepted' }));
    expect(await db.getSpecification('ADR-001')).toEqual(stored);
    expect(stored.version).toBe(chromium ? 1 : 2);
  });

  it('fails a commit the browser cut off with DATABASE_CLOSED, never a raw DOMException; calls made meanwhile reconnect', async () => {
    const name = newName();
    const lost: ConnectionLostReason[] = [];
    const backend = await IndexedDbBackend.open(name, { onConnectionLost: (reason) => lost.push(reason) });
    try {
      const rows = Array.from({ length: 5000 }, (_, i) => ({ type: 'put' as const, table: 'meta' as const, row: { name: `row-${i}`, value: i } }));
      const closeNow = await browserCloser(name);
      const cutOff = backend.commit(writeOps(rows)).then(
        () => 'committed',
        (error: unknown) => error,
      );
      await closeNow();
      // A call while the connection is closing started nothing on it: it goes to a new connection.
      await backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'after', value: 1 } }]));
      expect(await backend.get('meta', ['after'])).toEqual({ name: 'after', value: 1 });
      const outcome = await cutOff;
      if (outcome !== 'committed') {
        expect(outcome).toBeInstanceOf(TemporalDbError);
        expect(outcome).toMatchObject({ code: 'DATABASE_CLOSED' });
        expect((outcome as TemporalDbError).cause).toBeInstanceOf(DOMException);
      }
      await until(() => lost.length > 0);
      expect(lost).toEqual(['terminated']);
    } finally {
      await backend.close();
    }
  });
});
