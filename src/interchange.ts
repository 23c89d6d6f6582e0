// temporal-db/interchange: the NDJSON export and import of a store, as functions (also exported by
// the Node root entry). Kept out of the browser root entry so an app that never exports does not
// ship them.
export { exportLines, exportStream, exportTo, importFrom } from './core/store-interchange.js';
export {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  EXPORT_TABLES,
  type ExportHeader,
  type ExportTable,
  type ImportResult,
  type ImportSource,
} from './core/interchange.js';
