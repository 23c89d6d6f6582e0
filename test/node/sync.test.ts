import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TemporalDbError } from '../../src/index.js';
import { sync } from '../../src/sync.js';
import { tempDir } from './cli-harness.js';
import { KINDS, adr, cleanUp, flakyFetch, openReplica, records, startServer } from './sync-harness.js';

afterEach(cleanUp);

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof TemporalDbError ? error.code : String(error)),
  );

describe.each(KINDS)('sync with %s replicas', (kind) => {
  it('two replicas editing different identifiers offline converge to the server state', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    await a.storeSpecification(adr('ADR-001', { status: 'accepted' }));
    await b.storeSpecification(adr('ADR-002'));
    await b.recordDecision({ specId: 'ADR-002', decisionPoint: 'storage', selectedOption: 'LMDB', context: 'embedded', author: 'ana', confidence: 0.9 });

    // Two versions and two changes from A; one version, a Create and a Decision from B.
    const pages: string[] = [];
    expect(await sync(a, server.url, { onPage: (page) => pages.push(page.direction) })).toEqual({ pushed: 4, pulled: 0, reset: false });
    // What A pushed is not pulled back to it.
    expect(pages).toEqual(['push']);
    expect(await sync(b, server.url)).toEqual({ pushed: 3, pulled: 4, reset: false });
    expect(await sync(a, server.url)).toEqual({ pushed: 0, pulled: 3, reset: false });

    const expected = await records(server.db);
    expect(expected).toHaveLength(7);
    expect(await records(a)).toEqual(expected);
    expect(await records(b)).toEqual(expected);
    expect((await a.getSpecification('ADR-002'))?.title).toBe('Title of ADR-002');
    expect(await a.analyzeDecisionPatterns(36500)).toEqual(await b.analyzeDecisionPatterns(36500));
  });

  it('two replicas editing one identifier offline both keep their versions: identical export lines everywhere, the conflict visible until resolved', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001', { title: 'Start' }));
    await sync(a, server.url);
    await sync(b, server.url);
    // Offline, each stores its own version 2.
    const mine = await a.storeSpecification(adr('ADR-001', { title: 'Edited on A', author: 'ana' }));
    const theirs = await b.storeSpecification(adr('ADR-001', { title: 'Edited on B', author: 'bo' }));
    expect([mine.version, theirs.version]).toEqual([2, 2]);
    await sync(a, server.url);
    await sync(b, server.url);
    await sync(a, server.url);

    const expected = await records(server.db);
    expect(await records(a)).toEqual(expected);
    expect(await records(b)).toEqual(expected);
    for (const db of [a, b, server.db]) {
      const history = await db.getSpecificationHistory('ADR-001');
      expect(history.map((v) => v.version)).toEqual([1, 2, 2]);
      expect(history.map((v) => v.id).sort()).toEqual(expect.arrayContaining([mine.id, theirs.id].sort()));
      const [conflict] = await db.getConflicts('ADR-001');
      expect(conflict).toMatchObject({ identifier: 'ADR-001', version: 2 });
      expect(conflict!.versions.map((v) => v.id).sort()).toEqual([mine.id, theirs.id].sort());
    }

    // A version 3 resolves it, on every replica once synced.
    await a.storeSpecification(adr('ADR-001', { title: 'Merged' }));
    await sync(a, server.url);
    await sync(b, server.url);
    for (const db of [a, b, server.db]) {
      expect(await db.getConflicts('ADR-001')).toEqual([]);
      expect((await db.getLatestSpecification('ADR', 'ADR-001'))?.title).toBe('Merged');
    }
    expect(await records(a)).toEqual(await records(b));
  });

  it('a repeated sync adds nothing, and records pulled from the server are not pushed back to it', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    await sync(a, server.url);
    const pushes = flakyFetch();
    expect(await sync(b, server.url, { fetch: pushes.fetch })).toMatchObject({ pushed: 0, pulled: 2 });
    expect(await sync(b, server.url, { fetch: pushes.fetch })).toMatchObject({ pushed: 0, pulled: 0 });
    expect(await sync(a, server.url)).toMatchObject({ pushed: 0, pulled: 0 });
    // B only pulled: it never sent a page.
    expect(pushes.calls.filter((path) => path.endsWith('/push'))).toEqual([]);
    expect(await records(b)).toEqual(await records(server.db));
  });

  it('two replicas creating the same new identifier offline converge to siblings of version 1, not a refused sync', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    const mine = await a.storeSpecification(adr('ADR-005', { title: 'Made on A' }));
    const theirs = await b.storeSpecification(adr('ADR-005', { title: 'Made on B' }));
    expect(await sync(a, server.url)).toMatchObject({ pushed: 2 });
    expect(await sync(b, server.url)).toMatchObject({ pushed: 2 });
    await sync(a, server.url);
    const expected = await records(server.db);
    expect(await records(a)).toEqual(expected);
    expect(await records(b)).toEqual(expected);
    for (const db of [a, b, server.db]) {
      expect((await db.getSpecificationHistory('ADR-005')).map((v) => v.id).sort()).toEqual([mine.id, theirs.id].sort());
      expect((await db.getConflicts('ADR-005'))[0]?.version).toBe(1);
    }
  });

  it('writes made while pages are being pulled are pushed by the next round (a pull never hides them)', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    await sync(a, server.url);
    const writes: Array<Promise<unknown>> = [];
    // Each time a checkpoint line reaches B, B's application writes at that very moment.
    const racing = async (input: string, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!new URL(input).pathname.endsWith('/pull')) return response;
      const text = await response.text();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const line of text.split(/(?<=\n)/)) {
            if (line.includes('"checkpoint"')) writes.push(b.storeSpecification(adr(`ADR-B${writes.length}`)));
            controller.enqueue(new TextEncoder().encode(line));
          }
          controller.close();
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    await sync(b, server.url, { fetch: racing, limit: 1 });
    await Promise.all(writes);
    expect(writes.length).toBeGreaterThan(1);
    await sync(b, server.url);
    await sync(a, server.url);
    for (let i = 0; i < writes.length; i++) expect((await server.db.getSpecification(`ADR-B${i}`))?.version).toBe(1);
    expect(await records(a)).toEqual(await records(server.db));
    expect(await records(b)).toEqual(await records(server.db));
  });

  it('a push whose answer is lost is sent again and adds nothing twice; pages pushed out of order add nothing twice', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    for (let i = 1; i <= 5; i++) await a.storeSpecification(adr(`ADR-00${i}`));
    const flaky = flakyFetch();
    // Pages of 4 records: the second page reaches the server, but its answer does not come back (nor those of the two retries).
    flaky.failWhen((path, n) => (path.endsWith('/push') && n >= 2 && n <= 4 ? 'lose-answer' : 'ok'));
    expect(await codeOf(sync(a, server.url, { fetch: flaky.fetch, limit: 4 }))).toBe('SYNC_UNAVAILABLE');
    expect((await records(server.db)).length).toBe(8);
    flaky.failWhen(() => 'ok');
    const resumed = await sync(a, server.url, { fetch: flaky.fetch, limit: 4 });
    // The page sent again was already there; only the last page is new.
    expect(resumed.pushed).toBe(2);
    expect(await records(server.db)).toEqual(await records(a));

    // The same records pushed by hand, last page first: nothing is added.
    const lines = (await records(a)).map((line) => line.trim());
    for (const page of [lines.slice(6), lines.slice(0, 6)]) {
      const answer = await fetch(`${server.url}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: page.join('\n') });
      expect(await answer.json()).toMatchObject({ added: 0, skipped: page.length });
    }
    expect(await records(server.db)).toEqual(await records(a));
  });

  it('sends a request again (up to 3 tries) when it failed before any answer (a kept-alive connection closed under it), adding nothing twice', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    for (let i = 1; i <= 5; i++) await a.storeSpecification(adr(`ADR-00${i}`));
    const flaky = flakyFetch();
    // The first two info requests are refused, and the second push page reaches the server but its answer is lost: one call still completes.
    flaky.failWhen((path, n) => (path.endsWith('/info') && n <= 2 ? 'refuse' : path.endsWith('/push') && n === 2 ? 'lose-answer' : 'ok'));
    const result = await sync(a, server.url, { fetch: flaky.fetch, limit: 4 });
    // 10 records in 3 pages; the page whose answer was lost was already there when sent again, so the server added 6 by the answers it gave.
    expect(result.pushed).toBe(6);
    expect(flaky.calls.filter((path) => path.endsWith('/push')).length).toBe(4);
    expect(await records(server.db)).toEqual(await records(a));
  });

  it('a pull cut half way keeps the whole pages before the cut, with their checkpoint, and resumes after them', async () => {
    const serverDb = await openReplica('lmdb');
    for (let i = 1; i <= 6; i++) await serverDb.storeSpecification(adr(`ADR-00${i}`));
    const server = await startServer(serverDb);
    const b = await openReplica(kind);
    const flaky = flakyFetch();
    // Header, 4 records, their checkpoint, then 2 records of the second page: cut.
    flaky.failWhen((path) => (path.endsWith('/pull') ? { cutAfterLines: 8 } : 'ok'));
    const pages: number[] = [];
    expect(await codeOf(sync(b, server.url, { fetch: flaky.fetch, limit: 4, onPage: (page) => pages.push(page.records) }))).toBe('SYNC_UNAVAILABLE');
    expect(pages).toEqual([4]);
    // Exactly the first page is in: the checkpoint never covers records the store does not hold, nor the reverse.
    const held = await records(b);
    expect(held).toHaveLength(4);
    expect((await records(serverDb)).filter((line) => held.includes(line))).toHaveLength(4);

    flaky.failWhen(() => 'ok');
    const resumed = await sync(b, server.url, { fetch: flaky.fetch, limit: 4, onPage: (page) => pages.push(page.records) });
    expect(resumed.pulled).toBe(8);
    expect(pages).toEqual([4, 4, 4]);
    expect(await records(b)).toEqual(await records(serverDb));
  });

  it('a server restored from an older backup is detected: its clients push everything they hold again, pulled records included', async () => {
    const serverDb = await openReplica('lmdb');
    let server = await startServer(serverDb);
    const a = await openReplica(kind);
    const b = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    await sync(a, server.url);
    const dir = tempDir('backup');
    await serverDb.backup(dir);
    await a.storeSpecification(adr('ADR-002'));
    await sync(a, server.url);
    await sync(b, server.url);
    expect(await records(b)).toHaveLength(4);

    // The server comes back from the backup, which lacks ADR-002, and takes a new write.
    await server.close();
    const restored = await openReplica('lmdb', dir);
    await restored.storeSpecification(adr('ADR-003'));
    server = await startServer(restored);
    expect((await records(restored)).some((line) => line.includes('ADR-002'))).toBe(false);

    // A's last commit fingerprint is not the restored server's: everything goes again.
    const again = await sync(b, server.url);
    expect(again).toMatchObject({ reset: true, pushed: 2, pulled: 2 });
    expect(await sync(a, server.url)).toMatchObject({ reset: true, pushed: 0, pulled: 2 });
    const expected = await records(restored);
    expect(expected).toHaveLength(6);
    expect(await records(a)).toEqual(expected);
    expect(await records(b)).toEqual(expected);
  });

  it('a server restored to a point between the last pull and the last acknowledged push is detected too', async () => {
    const serverDb = await openReplica('lmdb');
    let server = await startServer(serverDb);
    const a = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    await sync(a, server.url);
    const dir = tempDir('backup');
    await serverDb.backup(dir);
    // Pushed and acknowledged after the backup; the pull that would follow does not get through.
    await a.storeSpecification(adr('ADR-002'));
    const flaky = flakyFetch();
    flaky.failWhen((path) => (path.endsWith('/pull') ? 'refuse' : 'ok'));
    expect(await codeOf(sync(a, server.url, { fetch: flaky.fetch }))).toBe('SYNC_UNAVAILABLE');
    expect((await records(serverDb)).some((line) => line.includes('ADR-002'))).toBe(true);

    await server.close();
    const restored = await openReplica('lmdb', dir);
    server = await startServer(restored);
    // The pull checkpoint is older than the backup, so it alone would pass; the push's answer is not.
    expect(await sync(a, server.url)).toMatchObject({ reset: true, pushed: 2 });
    expect(await records(restored)).toEqual(await records(a));
  });

  it('a push cut half way through its body writes nothing; the next sync pushes the whole page', async () => {
    const server = await startServer(await openReplica('lmdb'));
    const a = await openReplica(kind);
    await a.storeSpecifications([adr('ADR-001'), adr('ADR-002')]);
    const body = (await records(a)).join('');
    const before = await records(server.db);
    await new Promise<void>((resolve) => {
      const req = request(`${server.url}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(body.slice(0, body.length >> 1), () => setTimeout(() => req.destroy(), 50));
    });
    expect(await records(server.db)).toEqual(before);
    expect(await sync(a, server.url)).toMatchObject({ pushed: 4 });
    expect(await records(server.db)).toEqual(await records(a));
  });

  it('refuses a wrong token with SYNC_UNAUTHORIZED and a server without sync with SYNC_PROTOCOL; an unreachable one is SYNC_UNAVAILABLE', async () => {
    const server = await startServer(await openReplica('lmdb'), { token: 'a-token-of-sixteen-chars' });
    const a = await openReplica(kind);
    await a.storeSpecification(adr('ADR-001'));
    expect(await codeOf(sync(a, server.url, { token: 'not-the-right-token-at-all' }))).toBe('SYNC_UNAUTHORIZED');
    expect(await sync(a, server.url, { token: 'a-token-of-sixteen-chars' })).toMatchObject({ pushed: 2 });
    const other = await startServer(await openReplica('memory'));
    expect(await codeOf(sync(a, `${other.url}/elsewhere`))).toBe('SYNC_PROTOCOL');
    await other.close();
    expect(await codeOf(sync(a, other.url))).toBe('SYNC_UNAVAILABLE');
    expect(await codeOf(sync(a, 'ftp://example.com'))).toBe('INVALID_INPUT');
    // A page over the server's body limit is refused (413): nothing of it is written there.
    const strict = await startServer(await openReplica('memory'), { maxImportBytes: 100 });
    expect(await codeOf(sync(a, strict.url))).toBe('SYNC_REJECTED');
    expect(await records(strict.db)).toEqual([]);
  });
});

describe('the first sync of a large store', () => {
  it('streams 10k versions in pages: neither side sends or commits more than a page at a time', async () => {
    const big = await openReplica('lmdb');
    for (let batch = 0; batch < 20; batch++) {
      await big.storeSpecifications(Array.from({ length: 500 }, (_, i) => adr(`ADR-${String(batch * 500 + i).padStart(5, '0')}`)));
    }
    // 10k versions and their 10k Create changes.
    const total = 20_000;
    const server = await startServer(await openReplica('lmdb'));
    const pushed: number[] = [];
    expect(await sync(big, server.url, { limit: 500, onPage: (page) => pushed.push(page.records) })).toMatchObject({ pushed: total, pulled: 0 });
    expect(pushed).toHaveLength(total / 500);
    expect(Math.max(...pushed)).toBe(500);

    const fresh = await openReplica('lmdb');
    const pulled: number[] = [];
    expect(await sync(fresh, server.url, { limit: 500, onPage: (page) => pulled.push(page.records) })).toMatchObject({
      pushed: 0,
      pulled: total,
    });
    // Committed a page at a time, as the pages came: 40 pages of 500, never the whole store at once.
    expect(pulled).toHaveLength(total / 500);
    expect(Math.max(...pulled)).toBe(500);
    expect((await fresh.statistics()).versions).toBe(10_000);
    expect(await records(fresh)).toEqual(await records(big));
  });
});

describe('the sync event stream', () => {
  it('pokes with the last sequence, sends keep-alive comments, and ends cleanly on server.close()', async () => {
    const db = await openReplica('memory');
    const server = await startServer(db, { keepAliveMs: 50 });
    const response = await fetch(`${server.url}/v1/sync/events`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (wanted: RegExp) => {
      while (!wanted.test(text)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before ${wanted}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/data: \{"seq":\d+\}\n\n/);
    const first = Number(/"seq":(\d+)/.exec(text)![1]);
    await readUntil(/: keep-alive\n\n/);
    await db.storeSpecification(adr('ADR-001'));
    await readUntil(new RegExp(`"seq":${first + 1}\\}`));
    // Only the sequence: a poke carries no data.
    expect(text).not.toContain('ADR-001');
    const closed = server.close();
    for (;;) if ((await reader.read()).done) break;
    await closed;
  });
});
