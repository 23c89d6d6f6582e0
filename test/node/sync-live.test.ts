import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSync, type SyncStatusDetail } from '../../src/sync.js';
import { openTemporalDb as openLmdb } from '../../src/lmdb.js';
import { tempDir } from './cli-harness.js';
import { KINDS, adr, cleanUp, flakyFetch, openReplica, records, startServer } from './sync-harness.js';

afterEach(cleanUp);

describe.each(KINDS)('startSync with %s replicas', (kind) => {
  it('delivers a write on replica A to replica B without a manual call, and back', async () => {
    const server = await startServer(await openReplica('lmdb'), { keepAliveMs: 200 });
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    const handles = [startSync(a, server.url), startSync(b, server.url)];
    try {
      await a.storeSpecification(adr('ADR-001'));
      await vi.waitFor(async () => expect((await b.getSpecification('ADR-001'))?.title).toBe('Title of ADR-001'), { timeout: 20_000, interval: 20 });
      await b.storeSpecification(adr('ADR-001', { status: 'accepted' }));
      await vi.waitFor(async () => expect((await a.getSpecification('ADR-001'))?.status).toBe('accepted'), { timeout: 20_000, interval: 20 });
      await vi.waitFor(async () => expect(await records(a)).toEqual(await records(server.db)), { timeout: 20_000, interval: 20 });
      expect(await records(b)).toEqual(await records(server.db));
    } finally {
      await Promise.all(handles.map((handle) => handle.stop()));
    }
    expect(handles.map((handle) => handle.status)).toEqual(['idle', 'idle']);
  });

  it('stops by itself when its store is closed under it', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const handle = startSync(a, server.url, { minRetryMs: 20, maxRetryMs: 40 });
    await vi.waitFor(() => expect(handle.status).toBe('idle'), { timeout: 20_000, interval: 10 });
    await a.close();
    await expect(handle.syncNow()).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
    expect(handle.status).toBe('error');
    // Stopped: no round is scheduled any more.
    await expect(handle.syncNow()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops even when the transport never settles and ignores the abort', async () => {
    const a = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    const paths: string[] = [];
    // Every request is answered 200 with a body that never yields and whose cancel never completes;
    // requests to /v1/sync/events never get an answer at all.
    const stuck = async (input: string | URL | Request) => {
      paths.push(String(input));
      if (String(input).includes('/v1/sync/events')) return new Promise<Response>(() => undefined);
      const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined), cancel: () => new Promise(() => undefined) });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const handle = startSync(a, 'http://127.0.0.1:9', { fetch: stuck as typeof fetch });
    await vi.waitFor(() => expect(paths.some((path) => path.includes('/v1/sync/info'))).toBe(true), { timeout: 5_000, interval: 5 });
    expect(handle.status).toBe('syncing');
    await handle.stop();
    expect(handle.status).toBe('idle');
  });

  it('backs off with jitter while the server is down, never in a tight loop, and recovers when it is back', async () => {
    const serverDb = await openReplica('lmdb');
    const first = await startServer(serverDb);
    const port = first.port;
    await first.close();
    const a = await openReplica(kind);
    const counted = flakyFetch();
    const statuses: SyncStatusDetail[] = [];
    const handle = startSync(a, `http://127.0.0.1:${port}`, { fetch: counted.fetch, minRetryMs: 20, maxRetryMs: 160 });
    handle.addEventListener('status', (event) => statuses.push((event as Event & { detail: SyncStatusDetail }).detail));
    try {
      await a.storeSpecification(adr('ADR-001'));
      await vi.waitFor(() => expect(statuses.filter((s) => s.status === 'offline').length).toBeGreaterThanOrEqual(6), { timeout: 20_000, interval: 10 });
      const offline = statuses.filter((s) => s.status === 'offline');
      expect(handle.error?.code).toBe('SYNC_UNAVAILABLE');
      // Each wait is within half and all of its bound, which doubles per failure up to maxRetryMs.
      offline.slice(0, 6).forEach((s, n) => {
        const bound = Math.min(160, 20 * 2 ** n);
        expect(s.retryInMs).toBeGreaterThanOrEqual(bound / 2);
        expect(s.retryInMs).toBeLessThanOrEqual(bound);
      });
      // Three info requests per round (a request that gets no answer is tried three times; the first round began
      // inside startSync, before the listener was added): the local write made during the backoff did not start a round of its own.
      const rounds = 1 + statuses.filter((s) => s.status === 'syncing').length;
      expect(counted.calls.filter((path) => path.endsWith('/v1/sync/info')).length).toBe(3 * rounds);

      // The server comes back on its port: the client pushes what it holds.
      await startServer(serverDb, { port });
      await vi.waitFor(() => expect(handle.status).toBe('idle'), { timeout: 20_000, interval: 10 });
      await vi.waitFor(async () => expect(await records(serverDb)).toEqual(await records(a)), { timeout: 20_000, interval: 20 });
      expect(handle.error).toBeUndefined();
    } finally {
      await handle.stop();
    }
  });
});

describe('startSync on an LMDB store shared by two handles', () => {
  it('pushes the writes another handle makes on the same store (another process or tab would do the same)', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const path = tempDir('shared');
    const a = await openReplica('lmdb', path);
    const other = await openLmdb({ path });
    const handle = startSync(a, server.url);
    try {
      await vi.waitFor(() => expect(handle.status).toBe('idle'), { timeout: 20_000, interval: 10 });
      await other.storeSpecification(adr('ADR-OTHER'));
      await vi.waitFor(async () => expect((await server.db.getSpecification('ADR-OTHER'))?.version).toBe(1), { timeout: 20_000, interval: 20 });
    } finally {
      await handle.stop();
      await other.close();
    }
  });
});
