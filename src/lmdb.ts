// Node entry: the store lives in LMDB.
export * from './index.js';
export * from './migrate.js';
export * from './interchange.js';
export {
  openTemporalDb,
  initializeTemporalDatabase,
  DEFAULT_STORE_DIRECTORY,
  type OpenLmdbOptions,
} from './backends/lmdb/open.js';
export { persistStorage } from './backends/lmdb/persist-storage.js';
export {
  importAdrDirectory,
  type AdrImportOptions,
  type AdrImportResult,
} from './adr/import-adr-directory.js';
export { importLegacy, LEGACY_KINDS, type LegacyKind } from './migrate/import-legacy.js';
