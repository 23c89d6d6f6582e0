// A real LMDB store served on 127.0.0.1 with an ephemeral port, and a small fetch wrapper.
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { openTemporalDb, type TemporalDb } from '../../src/lmdb.js';
import { createTemporalDbServer, type TemporalDbServer, type TemporalDbServerOptions } from '../../src/server.js';
import { tempDir } from './cli-harness.js';

export interface Served {
  db: TemporalDb;
  server: TemporalDbServer;
  url: string;
  port: number;
  call(method: string, path: string, options?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Answer>;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function serve(options: TemporalDbServerOptions = {}): Promise<Served> {
  const dir = tempDir('server');
  const db = await openTemporalDb({ path: dir });
  const server = createTemporalDbServer(db, options);
  const { url, port } = await server.listen({ port: 0 });
  const token = options.token;
  return {
    db,
    server,
    url,
    port,
    async call(method, path, { json, body, headers = {} } = {}) {
      const response = await fetch(url + path, {
        method,
        headers: {
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(json !== undefined ? { body: JSON.stringify(json) } : body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async stop() {
      await server.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request through node:http, which (unlike fetch) sends the Host header given. */
export function rawRequest(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const adr = (identifier: string, extra: Record<string, unknown> = {}) => ({
  specType: 'ADR' as const,
  identifier,
  title: `Title of ${identifier}`,
  content: `Content of ${identifier}`,
  ...extra,
});
