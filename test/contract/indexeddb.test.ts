import { IndexedDbBackend } from '../../src/backends/indexeddb/indexeddb-backend.js';
import { openTemporalDb } from '../../src/indexeddb.js';
import { runContractSuite } from './contract-suite.js';

// Runs twice: under happy-dom with fake-indexeddb (fast loop) and in real headless Chromium.
const engine = typeof navigator !== 'undefined' && /HeadlessChrome|Chrome/.test(navigator.userAgent) && !('happyDOM' in globalThis)
  ? 'real Chromium'
  : 'fake-indexeddb';

let counter = 0;

runContractSuite({
  name: `IndexedDB (${engine})`,
  newStore() {
    const name = `temporal-db-contract-${Date.now()}-${counter++}`;
    return {
      open: (options) => openTemporalDb({ ...options, name }),
      openBackend: () => IndexedDbBackend.open(name),
      destroy: () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
          request.onblocked = () => resolve();
        }),
    };
  },
});
