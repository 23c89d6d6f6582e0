// The handler inside an existing node:http application (under a prefix, and Express-style with next), and close().
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openTemporalDb, type TemporalDb } from '../../src/lmdb.js';
import { createTemporalDbServer } from '../../src/server.js';
import { tempDir } from './cli-harness.js';
import { adr, serve } from './server-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function store(): Promise<TemporalDb> {
  const dir = tempDir('mount');
  const db = await openTemporalDb({ path: dir });
  cleanups.push(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

async function listen(app: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('mounted in a plain node:http server', () => {
  it('serves its routes under basePath, with Location headers under it too, next to the application’s own', async () => {
    const db = await store();
    const handler = createTemporalDbServer(db, { basePath: '/db' });
    const url = await listen((req, res) => {
      if (req.url?.startsWith('/db/') || req.url === '/db') return handler(req, res);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('the application');
    });
    expect(await (await fetch(`${url}/`)).text()).toBe('the application');
    expect(await (await fetch(`${url}/db/v1/health`)).json()).toEqual({ status: 'ok', backend: 'lmdb' });
    const stored = await post(`${url}/db/v1/specifications`, adr('ADR 1/2'));
    expect(stored.status).toBe(201);
    const location = stored.headers.get('location')!;
    expect(location).toBe('/db/v1/specifications/ADR%201%2F2?version=1');
    expect((await (await fetch(url + location)).json()).identifier).toBe('ADR 1/2');
    expect((await fetch(`${url}/db/nothing`)).status).toBe(404);
    // Handed a path outside its basePath, without next, it answers 404 rather than serving it.
    const direct = await listen(handler);
    expect((await fetch(`${direct}/v1/health`)).status).toBe(404);
    expect((await fetch(`${direct}/db/v1/health`)).status).toBe(200);
    expect(() => createTemporalDbServer(db, { basePath: 'db/' })).toThrow(/basePath/);
  });

  it('works as Express middleware: a mount path in req.baseUrl, and next() for what is not its own', async () => {
    const db = await store();
    const middleware = createTemporalDbServer(db);
    let passedOn = 0;
    // What Express does for app.use('/api', middleware): req.url relative to the mount, req.baseUrl the mount.
    const url = await listen((req, res) => {
      const original = req.url ?? '/';
      if (!original.startsWith('/api/')) return void res.writeHead(404).end('app 404');
      Object.assign(req, { baseUrl: '/api', url: original.slice('/api'.length) });
      middleware(req, res, () => {
        passedOn++;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('the application');
      });
    });
    const stored = await post(`${url}/api/v1/specifications`, adr('ADR-9'));
    expect(stored.headers.get('location')).toBe('/api/v1/specifications/ADR-9?version=1');
    expect((await (await fetch(`${url}/api/v1/specifications/ADR-9`)).json()).version).toBe(1);
    expect(await (await fetch(`${url}/api/other`)).text()).toBe('the application');
    expect(passedOn).toBe(1);
    // A path that is one of its routes, with another method, is still its own: 405, not passed on.
    expect((await fetch(`${url}/api/v1/specifications`, { method: 'PUT' })).status).toBe(405);
    expect(passedOn).toBe(1);
  });
});

describe('close()', () => {
  it('finishes a request in flight (its write acknowledged and stored), refuses new connections, then resolves', async () => {
    const s = await serve();
    cleanups.push(() => s.stop());
    const body = JSON.stringify(adr('ADR-INFLIGHT'));
    const req = request({
      host: '127.0.0.1',
      port: s.port,
      method: 'POST',
      path: '/v1/specifications',
      // With 100-continue, the client hears back once the server has the request: it is then in flight.
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const received = once(req, 'continue');
    const answered = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text, connection: res.headers.connection }));
      });
      req.on('error', reject);
    });
    req.flushHeaders();
    await received;
    req.write(body.slice(0, 20));
    let closed = false;
    const closing = s.server.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    const refused = await fetch(`${s.url}/v1/health`).then(
      () => 'answered',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    req.end(body.slice(20));
    const answer = await answered;
    expect(answer.status).toBe(201);
    expect(answer.connection).toBe('close');
    await closing;
    expect((await s.db.getSpecification('ADR-INFLIGHT'))?.version).toBe(1);
  });

  it('answers 503 SHUTTING_DOWN to a request that reaches a mounted handler after close()', async () => {
    const db = await store();
    const handler = createTemporalDbServer(db);
    const url = await listen(handler);
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    await handler.close();
    const late = await fetch(`${url}/v1/health`);
    expect(late.status).toBe(503);
    expect((await late.json()).error.code).toBe('SHUTTING_DOWN');
  });
});
