import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend } from '../../src/backends/lmdb/lmdb-backend.js';
import { openTemporalDb } from '../../src/lmdb.js';
import { runContractSuite } from './contract-suite.js';

runContractSuite({
  name: 'LMDB (Node)',
  newStore() {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-contract-'));
    return {
      open: (options) => openTemporalDb({ ...options, path }),
      openBackend: async () => LmdbBackend.open(path),
      destroy: async () => rmSync(path, { recursive: true, force: true }),
    };
  },
});
