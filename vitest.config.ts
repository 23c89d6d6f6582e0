import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './scripts/chromium-launch.js';
import type { BrowserCommand } from 'vitest/node';
import { openTemporalDb } from './src/lmdb.js';
import { populateSample } from './test/contract/sample-store.js';
import { nodeReplicaWrite, pauseSyncServer, startSyncServer, stopSyncServer, syncServerRecords } from './test/browser/sync-commands.js';

/** Runs in Node for a browser test: the NDJSON export of a sample LMDB store. */
const lmdbSampleExport: BrowserCommand<[]> = async () => {
  const path = mkdtempSync(join(tmpdir(), 'temporal-db-roundtrip-'));
  const db = await openTemporalDb({ path });
  try {
    await populateSample(db);
    const lines: string[] = [];
    for await (const line of db.exportLines()) lines.push(line);
    return lines;
  } finally {
    await db.close();
    rmSync(path, { recursive: true, force: true });
  }
};


export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/node/**/*.test.ts', 'test/contract/lmdb.test.ts', 'test/contract/memory.test.ts'],
          // Some of these run dist/ (the CLI, the package entries): built first when missing or stale.
          globalSetup: ['scripts/build-if-stale.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Needs a PostgreSQL server: TEMPORAL_DB_TEST_PG (see test/postgres/server.ts), started by .ci/run.
          name: 'postgres',
          environment: 'node',
          include: ['test/contract/postgres.test.ts', 'test/postgres/**/*.test.ts'],
          globalSetup: ['scripts/build-if-stale.ts', 'test/postgres/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Packs the package, installs the tarball into temporary projects and uses it from there.
          name: 'pack',
          environment: 'node',
          include: ['test/pack/**/*.test.ts'],
          globalSetup: ['test/pack/global-setup.ts'],
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'happy-dom',
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
          include: ['test/contract/indexeddb.test.ts', 'test/contract/indexeddb-cursor.test.ts', 'test/contract/indexeddb-upgrade.test.ts', 'test/browser/connection.test.ts', 'test/browser/storage.test.ts', 'test/react/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/contract/indexeddb.test.ts', 'test/contract/indexeddb-upgrade.test.ts', 'test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            commands: { lmdbSampleExport, startSyncServer, pauseSyncServer, nodeReplicaWrite, syncServerRecords, stopSyncServer },
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
