// Replicas and a sync server for the sync tests: stores on LMDB (a temporary
// directory) or in memory, a real server on 127.0.0.1 with an ephemeral port.
import { rmSync } from 'node:fs';
import { openTemporalDb as openLmdb, type TemporalDb } from '../../src/lmdb.js';
import { openTemporalDb as openMemory } from '../../src/memory.js';
import { createTemporalDbServer, type TemporalDbServer, type TemporalDbServerOptions } from '../../src/server.js';
import { tempDir } from './cli-harness.js';

export type Kind = 'lmdb' | 'memory';
export const KINDS: Kind[] = ['lmdb', 'memory'];

const cleanups: Array<() => Promise<void> | void> = [];

/** Removes every store and server made since the last call (an afterEach). */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export async function openReplica(kind: Kind, path = kind === 'lmdb' ? tempDir('replica') : undefined): Promise<TemporalDb> {
  const db = kind === 'lmdb' ? await openLmdb({ path: path! }) : await openMemory();
  cleanups.push(async () => {
    if (!db.closed) await db.close();
    if (path) rmSync(path, { recursive: true, force: true });
  });
  return db;
}

export interface SyncServer {
  db: TemporalDb;
  server: TemporalDbServer;
  url: string;
  port: number;
  /** Stops serving (the store stays open). */
  close(): Promise<void>;
}

export async function startServer(db: TemporalDb, options: TemporalDbServerOptions & { port?: number } = {}): Promise<SyncServer> {
  const { port: wanted = 0, ...rest } = options;
  const server = createTemporalDbServer(db, rest);
  const { url, port } = await server.listen({ port: wanted });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  cleanups.push(close);
  return { db, server, url, port, close };
}

/** The record lines of a store's export, sorted (the header holds the export time). */
export async function records(db: TemporalDb): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of db.exportLines()) lines.push(line);
  return lines.slice(1);
}

export const adr = (identifier: string, extra: Record<string, unknown> = {}) => ({
  specType: 'ADR' as const,
  identifier,
  title: `Title of ${identifier}`,
  content: `Content of ${identifier}`,
  ...extra,
});

/** A fetch that counts requests by route and can be told to fail or cut some. */
export function flakyFetch() {
  const calls: string[] = [];
  let plan: (path: string, n: number) => 'ok' | 'refuse' | 'lose-answer' | { cutAfterLines: number } = () => 'ok';
  const fetcher = async (input: string, init?: RequestInit): Promise<Response> => {
    const path = new URL(input).pathname;
    calls.push(path);
    const what = plan(path, calls.filter((p) => p === path).length);
    if (what === 'refuse') throw new TypeError('fetch failed (refused by the test)');
    const response = await fetch(input, init);
    if (what === 'lose-answer') {
      await response.arrayBuffer();
      throw new TypeError('fetch failed (the answer was lost)');
    }
    if (what === 'ok') return response;
    // Passes the first lines on, then errors the body as a dropped connection does.
    const reader = response.body!.getReader();
    let pending = '';
    let lines = 0;
    const decoder = new TextDecoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          const at = pending.indexOf('\n');
          if (at >= 0) {
            if (lines === what.cutAfterLines) {
              await reader.cancel();
              controller.error(new TypeError('terminated'));
              return;
            }
            lines++;
            controller.enqueue(new TextEncoder().encode(pending.slice(0, at + 1)));
            pending = pending.slice(at + 1);
            return;
          }
          const { done, value } = await reader.read();
          if (done) {
            if (pending) controller.enqueue(new TextEncoder().encode(pending));
            controller.close();
            return;
          }
          pending += decoder.decode(value, { stream: true });
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    fetch: fetcher,
    calls,
    failWhen(next: typeof plan) {
      plan = next;
    },
  };
}
