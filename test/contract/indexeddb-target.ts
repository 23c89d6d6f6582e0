import { IndexedDbBackend } from '../../src/backends/indexeddb/indexeddb-backend.js';
import { openTemporalDb } from '../../src/indexeddb.js';
import type { BackendUnderTest } from './contract-suite.js';

let counter = 0;

/** The IndexedDB backend under the contract suite, one fresh database per store. */
export function indexedDbTarget(name: string): BackendUnderTest {
  return {
    name,
    newStore() {
      const database = `temporal-db-contract-${Date.now()}-${counter++}`;
      return {
        open: (options) => openTemporalDb({ ...options, name: database }),
        openBackend: () => IndexedDbBackend.open(database),
        destroy: () =>
          new Promise<void>((resolve, reject) => {
            const request = indexedDB.deleteDatabase(database);
            request.onsuccess = () => resolve();
            request.onerror = () => reject(request.error);
            request.onblocked = () => resolve();
          }),
      };
    },
  };
}
