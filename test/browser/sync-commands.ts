// Browser commands (run in Node for the Chromium tests, see vitest.config.ts):
// a sync server on an LMDB store in a temporary directory, that a test can
// stop and start again on the same port, and a Node replica beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';
import { openTemporalDb, type TemporalDb } from '../../src/lmdb.js';
import { createTemporalDbServer, type TemporalDbServer } from '../../src/server.js';
import { sync } from '../../src/sync.js';

let current: { dir: string; db: TemporalDb; server: TemporalDbServer | undefined; port: number } | undefined;

async function listen(db: TemporalDb, port: number): Promise<{ server: TemporalDbServer; port: number }> {
  // The test page is served from another origin (Vite's), so its calls are cross-origin.
  const server = createTemporalDbServer(db, { corsOrigins: ['*'], keepAliveMs: 1000 });
  return { server, port: (await server.listen({ port })).port };
}

/** Starts a fresh sync server; its URL. */
export const startSyncServer: BrowserCommand<[]> = async () => {
  await stopSyncServer(undefined as never);
  const dir = mkdtempSync(join(tmpdir(), 'temporal-db-browser-sync-'));
  const db = await openTemporalDb({ path: join(dir, 'server') });
  const { server, port } = await listen(db, 0);
  current = { dir, db, server, port };
  return `http://127.0.0.1:${port}`;
};

/** Stops serving (the store stays), or serves again on the same port. */
export const pauseSyncServer: BrowserCommand<[paused: boolean]> = async (_, paused) => {
  if (!current) throw new Error('no sync server');
  if (paused) {
    await current.server?.close();
    current.server = undefined;
  } else if (!current.server) {
    current.server = (await listen(current.db, current.port)).server;
  }
};

/** A Node replica (LMDB) stores a version and syncs it to the server. */
export const nodeReplicaWrite: BrowserCommand<[identifier: string, title: string]> = async (_, identifier, title) => {
  if (!current) throw new Error('no sync server');
  const db = await openTemporalDb({ path: join(current.dir, 'node-replica') });
  try {
    await db.storeSpecification({ specType: 'ADR', identifier, title, content: `${title}.` });
    return await sync(db, `http://127.0.0.1:${current.port}`);
  } finally {
    await db.close();
  }
};

/** The record lines of the server store's export. */
export const syncServerRecords: BrowserCommand<[]> = async () => {
  if (!current) throw new Error('no sync server');
  const lines: string[] = [];
  for await (const line of current.db.exportLines()) lines.push(line);
  return lines.slice(1);
};

export const stopSyncServer: BrowserCommand<[]> = async () => {
  if (!current) return;
  const { dir, db, server } = current;
  current = undefined;
  await server?.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
};
