import { runContractSuite } from './contract-suite.js';
import { indexedDbTarget } from './indexeddb-target.js';

// Browsers before Chromium 141 have no getAllRecords: run the whole contract
// again with it removed, so the cursor path for reverse reads is covered too.
for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Array<Record<string, unknown>>) {
  delete proto.getAllRecords;
}

runContractSuite(indexedDbTarget('IndexedDB without getAllRecords (fake-indexeddb)'));
