// The service's security rules: bearer token, loopback-only without one, CORS, body size and depth limits, logs.
import { describe, expect, it, vi } from 'vitest';
import { isTemporalDbError, MAX_JSON_DEPTH } from '../../src/lmdb.js';
import { createTemporalDbServer, DEFAULT_MAX_BODY_BYTES, type RequestLogEntry } from '../../src/server.js';
import { isLoopback } from '../../src/server/auth.js';
import { adr, rawRequest, serve } from './server-harness.js';
import { exportLines } from '../../src/interchange.js';

const TOKEN = 'a-long-enough-token-0123456789';

// One request per route (and an unknown one): the token is checked on all of them.
const ROUTES: Array<[string, string]> = [
  ['GET', '/v1/specifications'],
  ['POST', '/v1/specifications'],
  ['GET', '/v1/specifications/ADR-1'],
  ['GET', '/v1/specifications/ADR-1/history'],
  ['DELETE', '/v1/specifications/ADR-1'],
  ['GET', '/v1/changes'],
  ['POST', '/v1/decisions'],
  ['POST', '/v1/decision-points'],
  ['GET', '/v1/decision-points?specId=ADR-1'],
  ['GET', '/v1/analysis/decision-patterns'],
  ['POST', '/v1/recommendations/generate'],
  ['GET', '/v1/recommendations'],
  ['POST', '/v1/recommendations/r1/feedback'],
  ['POST', '/v1/patterns'],
  ['GET', '/v1/patterns/similar?context=x&similarityThreshold=0.1&lookbackDays=1'],
  ['GET', '/v1/patterns/00000000-0000-7000-8000-000000000000'],
  ['GET', '/v1/patterns/00000000-0000-7000-8000-000000000000/history'],
  ['POST', '/v1/patterns/00000000-0000-7000-8000-000000000000/uses'],
  ['POST', '/v1/imported-records'],
  ['GET', '/v1/imported-records?kind=k'],
  ['GET', '/v1/health'],
  ['GET', '/v1/statistics'],
  ['GET', '/v1/export'],
  ['POST', '/v1/import'],
  ['GET', '/v1/no-such-route'],
  ['PUT', '/v1/specifications'],
];

describe('bearer token', () => {
  it('refuses every route without the token or with a wrong one, in the same way, and serves it with the right one', async () => {
    const s = await serve({ token: TOKEN });
    try {
      for (const [method, path] of ROUTES) {
        for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
          const response = await fetch(s.url + path, { method, headers: authorization ? { authorization } : {} });
          expect(response.status, `${method} ${path} with ${authorization}`).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe('Bearer realm="temporal-db"');
          expect((await response.json()).error.code).toBe('UNAUTHORIZED');
        }
      }
      const stored = await s.call('POST', '/v1/specifications', { json: adr('ADR-1') });
      expect(stored.status).toBe(201);
      const lowercase = await fetch(`${s.url}/v1/specifications/ADR-1`, { headers: { authorization: `bearer ${TOKEN}` } });
      expect(lowercase.status).toBe(200);
      // With a token, the Host header is not restricted: the token is the protection.
      expect((await rawRequest(s.port, '/v1/health', { host: 'db.example.com', authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('refuses a token shorter than 16 characters', () => {
    let error: unknown;
    try {
      createTemporalDbServer({} as never, { token: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(isTemporalDbError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as { path: unknown }).path).toEqual(['options', 'token']);
  });

  it('refuses to listen on a non-loopback address without a token, and listens there with one', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const server = createTemporalDbServer({} as never);
      const error = await server.listen({ host, port: 0 }).catch((caught: unknown) => caught);
      expect(isTemporalDbError(error, 'INVALID_INPUT'), host).toBe(true);
      expect((error as { path: unknown }).path).toEqual(['token']);
      expect((error as Error).message).toContain('needs a token');
    }
    const server = createTemporalDbServer({} as never, { token: TOKEN });
    const { port } = await server.listen({ host: '0.0.0.0', port: 0 });
    expect((await fetch(`http://127.0.0.1:${port}/v1/nothing`)).status).toBe(401);
    await server.close();
  });

  it('counts 127.0.0.0/8, ::1 and localhost as loopback, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'app.localhost', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '', '192.168.1.10', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });
});

describe('without a token', () => {
  it('answers only requests addressed to a loopback name (no DNS rebinding), or to the allowed hosts', async () => {
    const s = await serve();
    try {
      expect((await rawRequest(s.port, '/v1/health', { host: `127.0.0.1:${s.port}` })).status).toBe(200);
      expect((await rawRequest(s.port, '/v1/health', { host: `localhost:${s.port}` })).status).toBe(200);
      expect((await rawRequest(s.port, '/v1/health', { host: `[::1]:${s.port}` })).status).toBe(200);
      const rebound = await rawRequest(s.port, '/v1/health', { host: `attacker.example:${s.port}` });
      expect(rebound.status).toBe(403);
      expect(rebound.body.error.code).toBe('FORBIDDEN');
    } finally {
      await s.stop();
    }
    const allowed = await serve({ allowedHosts: ['db.internal'] });
    try {
      expect((await rawRequest(allowed.port, '/v1/health', { host: `db.internal:${allowed.port}` })).status).toBe(200);
      expect((await rawRequest(allowed.port, '/v1/health', { host: `other.internal:${allowed.port}` })).status).toBe(403);
    } finally {
      await allowed.stop();
    }
  });
});

describe('CORS', () => {
  it('answers configured origins (preflight included, before the token) and refuses the others, writing nothing', async () => {
    const app = 'https://app.example.com';
    const s = await serve({ token: TOKEN, corsOrigins: [app] });
    try {
      const preflight = await fetch(`${s.url}/v1/specifications`, {
        method: 'OPTIONS',
        headers: { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(app);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');

      const allowed = await s.call('POST', '/v1/specifications', { json: adr('ADR-CORS'), headers: { origin: app } });
      expect(allowed.status).toBe(201);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(app);
      expect(allowed.headers.get('vary')).toBe('Origin');
      // The token still applies to an allowed origin.
      const noToken = await fetch(`${s.url}/v1/statistics`, { headers: { origin: app } });
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('access-control-allow-origin')).toBe(app);

      const before = await s.db.statistics();
      const evil = 'https://evil.example';
      const refusedPreflight = await fetch(`${s.url}/v1/specifications`, { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
      expect(refusedPreflight.status).toBe(403);
      expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
      const refused = await s.call('POST', '/v1/specifications', { json: adr('ADR-EVIL'), headers: { origin: evil } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(await s.db.statistics()).toEqual(before);
      // The service's own origin is not cross-origin.
      expect((await s.call('GET', '/v1/health', { headers: { origin: s.url } })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('allows no cross-origin call unless configured, and any with *', async () => {
    const none = await serve();
    const any = await serve({ corsOrigins: ['*'] });
    try {
      expect((await none.call('GET', '/v1/health', { headers: { origin: 'http://localhost:5173' } })).status).toBe(403);
      const answer = await any.call('GET', '/v1/health', { headers: { origin: 'http://localhost:5173' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    } finally {
      await none.stop();
      await any.stop();
    }
  });
});

describe('request bodies', () => {
  it('refuses a body over the size limit with 413, declared or streamed, writes nothing and keeps serving', async () => {
    const s = await serve();
    try {
      const big = JSON.stringify(adr('ADR-BIG', { content: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }));
      const declared = await s.call('POST', '/v1/specifications', { body: big, headers: { 'content-type': 'application/json' } });
      expect(declared.status).toBe(413);
      expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      const chunks = new TextEncoder().encode(big);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < chunks.length; at += 64 * 1024) controller.enqueue(chunks.slice(at, at + 64 * 1024));
          controller.close();
        },
      });
      const streamed = await fetch(`${s.url}/v1/specifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);
      expect((await s.db.statistics()).versions).toBe(0);
      // Just under the limit is fine.
      const fits = JSON.stringify(adr('ADR-FITS', { content: 'x'.repeat(DEFAULT_MAX_BODY_BYTES - 200) }));
      expect((await s.call('POST', '/v1/specifications', { body: fits, headers: { 'content-type': 'application/json' } })).status).toBe(201);
    } finally {
      await s.stop();
    }
    const small = await serve({ maxBodyBytes: 100, maxImportBytes: 100 });
    try {
      expect((await small.call('POST', '/v1/specifications', { json: adr('ADR-1', { content: 'x'.repeat(100) }) })).status).toBe(413);
      expect((await small.call('POST', '/v1/specifications', { json: adr('A') })).status).toBe(201);
      const lines = [];
      for await (const line of exportLines(small.db)) lines.push(line);
      const importTooLarge = await small.call('POST', '/v1/import', { body: lines.join(''), headers: { 'content-type': 'application/x-ndjson' } });
      expect(importTooLarge.status).toBe(413);
    } finally {
      await small.stop();
    }
  });

  it('refuses a body nested deeper than the limit with 400 and the path, before parsing it', async () => {
    const s = await serve();
    try {
      const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });
      // metadata's own limit is the library's: 64 levels fit, 65 do not (reported by the library, with its path).
      expect((await s.call('POST', '/v1/specifications', { json: adr('ADR-DEEP', { metadata: nest(MAX_JSON_DEPTH) }) })).status).toBe(201);
      const library = await s.call('POST', '/v1/specifications', { json: adr('ADR-DEEP', { metadata: nest(MAX_JSON_DEPTH + 1) }) });
      expect(library.status).toBe(400);
      expect(library.body.error.path).toEqual(['metadata', ...Array(MAX_JSON_DEPTH).fill('a')]);
      // A batch of such records is two levels deeper still; deeper than that is the service's limit.
      const batch = await s.call('POST', '/v1/specifications', { json: [adr('ADR-B', { metadata: nest(MAX_JSON_DEPTH + 5) })] });
      expect(batch.status).toBe(400);
      expect(batch.body.error).toMatchObject({ code: 'INVALID_INPUT', path: [0, 'metadata', ...Array(MAX_JSON_DEPTH).fill('a')] });
      expect(batch.body.error.message).toContain('more than 66 levels');
      // A megabyte of brackets: one pass, no stack, no parse.
      const brackets = '['.repeat(1000_000 - 10);
      const hostile = await s.call('POST', '/v1/specifications', { body: brackets, headers: { 'content-type': 'application/json' } });
      expect(hostile.status).toBe(400);
      expect(hostile.body.error.path).toEqual(Array(66).fill(0));
      // Brackets inside strings, escaped quotes included, are text: they do not count.
      const text = `${'['.repeat(200)} a quote " then ${'{'.repeat(200)} and a backslash \\`;
      const bracketsInText = await s.call('POST', '/v1/specifications', { json: adr('ADR-TEXT', { content: text, metadata: { [text]: text } }) });
      expect(bracketsInText.status).toBe(201);
      expect(bracketsInText.body.content).toBe(text);
      expect((await s.db.statistics()).versions).toBe(2);
    } finally {
      await s.stop();
    }
  });
});

describe('logging', () => {
  it('gives the log the method, the route pattern, the status and the code: no identifier, body or token', async () => {
    const entries: RequestLogEntry[] = [];
    const s = await serve({ token: TOKEN, log: (entry) => entries.push(entry) });
    try {
      await s.call('POST', '/v1/specifications', { json: adr('SECRET-IDENTIFIER', { content: 'secret content' }) });
      await s.call('GET', '/v1/specifications/SECRET-IDENTIFIER?asOf=2026-01-01');
      await s.call('GET', '/v1/changes?specId=SECRET-IDENTIFIER');
      await fetch(`${s.url}/v1/statistics`, { headers: { authorization: 'Bearer secret-wrong-token' } });
      await s.call('GET', '/v1/specifications/SECRET-MISSING');
      // An entry is written when its response has gone out, which may be just after the client read it.
      await vi.waitFor(() => expect(entries).toHaveLength(5));
      expect(entries.map(({ method, route, status, code }) => [method, route, status, code])).toEqual([
        ['POST', '/v1/specifications', 201, undefined],
        ['GET', '/v1/specifications/:identifier', 404, 'NOT_FOUND'],
        ['GET', '/v1/changes', 200, undefined],
        ['GET', '/v1/statistics', 401, 'UNAUTHORIZED'],
        ['GET', '/v1/specifications/:identifier', 404, 'NOT_FOUND'],
      ]);
      const logged = JSON.stringify(entries);
      expect(logged).not.toMatch(/SECRET|secret|2026-01-01/);
      expect(logged).not.toContain(TOKEN);
    } finally {
      await s.stop();
    }
  });
});
