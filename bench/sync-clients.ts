// A process hosting some of the clients of `npm run bench:sync` (the parent,
// bench/sync.ts, forks a few so that no event loop runs all of them). Each
// client is a store of its own, in memory or on LMDB. Driven over IPC: one
// message per phase, answered when every client of this process is done.
import { createWriteStream, createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TemporalDb } from '../src/core/temporal-db.js';
import { openTemporalDb as openLmdb } from '../src/lmdb.js';
import { openTemporalDb as openMemory } from '../src/memory.js';
import { sync } from '../src/sync.js';
import { clientVersions, digestLines, type SyncSize } from './sync-workload.js';
import { exportLines, exportStream, importFrom } from '../src/interchange.js';

export type ClientKind = 'memory' | 'lmdb';

export type ClientRequest =
  | { op: 'open'; size: SyncSize; clients: Array<{ index: number; kind: ClientKind }>; url: string }
  | { op: 'store' }
  | { op: 'sync' }
  | { op: 'file-push' }
  | { op: 'file-pull' }
  | { op: 'digest' }
  | { op: 'close' };

/** Per client, what the phase did: records moved and when it finished (shared clock: performance.timeOrigin + performance.now()). */
export interface ClientPhase {
  index: number;
  pushed: number;
  pulled: number;
  endedAt: number;
  /** When the server acknowledged this client's last pushed page (sync), or its import (whole-file). */
  pushedAt?: number;
  /** Calls that failed for want of the server (a connection it closed) and were run again. */
  retries: number;
}

const clock = () => performance.timeOrigin + performance.now();
const dir = mkdtempSync(join(tmpdir(), 'bench-sync-clients-'));
let size: SyncSize;
let url = '';
let clients: Array<{ index: number; kind: ClientKind; db: TemporalDb }> = [];

type Outcome = Omit<ClientPhase, 'index' | 'endedAt' | 'retries'>;

/**
 * Runs `body` for every client of this process at once. A call that fails
 * because the connection went (SYNC_UNAVAILABLE, or a fetch failure in the
 * whole-file way) is run again, as startSync would, and counted: both ways
 * are idempotent (what a side holds is skipped).
 */
async function each(body: (client: (typeof clients)[number]) => Promise<Outcome>): Promise<ClientPhase[]> {
  return Promise.all(
    clients.map(async (client) => {
      let retries = 0;
      for (;;) {
        try {
          const done = await body(client);
          return { index: client.index, ...done, retries, endedAt: clock() };
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const lostConnection = code === 'SYNC_UNAVAILABLE' || (error instanceof TypeError && error.message === 'fetch failed');
          if (!lostConnection || retries >= 20) throw error;
          retries++;
          const text = describe(error);
          process.stderr.write(`  client ${client.index}: ${text.split('\n')[0]}; ${text.split('caused by: ').at(-1)!.split('\n')[0]}; running it again\n`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }),
  );
}

const added = (result: { added: Record<string, number> }) => Object.values(result.added).reduce((a, b) => a + b, 0);

async function handle(request: ClientRequest): Promise<unknown> {
  switch (request.op) {
    case 'open':
      size = request.size;
      url = request.url;
      clients = await Promise.all(
        request.clients.map(async ({ index, kind }) => ({
          index,
          kind,
          db: kind === 'lmdb' ? await openLmdb({ path: join(dir, `client-${index}`) }) : await openMemory({ name: `bench-sync-${index}` }),
        })),
      );
      return clients.length;
    case 'store':
      // Not timed as part of sync: what the client wrote while offline, in batches of 100.
      return each(async ({ index, db }) => {
        const versions = clientVersions(size, index);
        for (let i = 0; i < versions.length; i += 100) await db.storeSpecifications(versions.slice(i, i + 100));
        return { pushed: 0, pulled: 0 };
      });
    case 'sync':
      return each(async ({ db }) => {
        let pushedAt: number | undefined;
        const { pushed, pulled } = await sync(db, url, { onPage: (page) => page.direction === 'push' && page.added > 0 && (pushedAt = clock()) });
        return { pushed, pulled, ...(pushedAt === undefined ? {} : { pushedAt }) };
      });
    case 'file-push':
      // The whole-file way: the client's export posted to the service's import.
      return each(async ({ db }) => {
        const response = await fetch(`${url}/v1/import`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: exportStream(db),
          duplex: 'half',
        } as RequestInit);
        if (!response.ok) throw new Error(`POST /v1/import: ${response.status} ${await response.text()}`);
        return { pushed: added((await response.json()) as { added: Record<string, number> }), pulled: 0 };
      });
    case 'file-pull': {
      // The service's export, spooled to a file (importFrom reads its source twice), then imported. Every
      // client of this process downloads first, then imports, so that the imports of the 25 clients sharing
      // this event loop do not hold up the others' downloads (fetch gave up on a full-size body after 300 s
      // without a chunk). node:http streams with no such limit. (The service's 408s at the full size came from
      // exports that never yielded to other requests; fixed in the service, see send() in create-server.ts.)
      const file = (index: number) => join(dir, `export-${index}.ndjson`);
      const downloaded = await each(async ({ index }) => {
        await download(`${url}/v1/export`, file(index));
        return { pushed: 0, pulled: 0 };
      });
      const imported = await each(async ({ index, db }) => {
        try {
          return { pushed: 0, pulled: added(await importFrom(db, () => createReadStream(file(index)))) };
        } finally {
          rmSync(file(index), { force: true });
        }
      });
      return imported.map((phase, i) => ({ ...phase, retries: phase.retries + downloaded[i]!.retries }));
    }
    case 'digest':
      return Promise.all(clients.map(async ({ index, db }) => ({ index, ...(await digestLines(exportLines(db))) })));
    case 'close':
      for (const { db } of clients) await db.close();
      rmSync(dir, { recursive: true, force: true });
      clients = [];
      return null;
  }
}

/** Streams a GET to a file, with no time limit between chunks; a connection error rejects as fetch's would (`fetch failed`, run again). */
function download(from: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = get(from, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET /v1/export: ${response.statusCode}`));
        return;
      }
      pipeline(response, createWriteStream(file)).then(resolve, (error: unknown) => reject(new TypeError('fetch failed', { cause: error })));
    });
    request.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
  });
}

/** An error with its chain of causes (a fetch failure says why only in its cause). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(e instanceof Error ? `${e.stack ?? e.message}${'code' in e ? ` (code ${String((e as { code: unknown }).code)})` : ''}` : String(e));
  }
  return parts.join('\ncaused by: ');
}

process.on('message', (request: ClientRequest) => {
  handle(request).then(
    (result) => {
      process.send!({ ok: true, result });
      if (request.op === 'close') process.disconnect();
    },
    (error: unknown) => process.send!({ ok: false, error: describe(error) }),
  );
});
