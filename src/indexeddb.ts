// Browser entry: the store lives in IndexedDB.
export * from './index.js';
export {
  openTemporalDb,
  initializeTemporalDatabase,
  DEFAULT_DATABASE_NAME,
  type OpenIndexedDbOptions,
} from './backends/indexeddb/open.js';
export { persistStorage } from './backends/indexeddb/persist-storage.js';
