// Migration entry (`temporal-db/migrate`): reading ADR text and the original crate's records,
// in Node and in a browser. Kept out of the browser root entry, which then stays small;
// the Node root re-exports it next to the file importers.
export { parseAdr, normalizeStatus, type ParsedAdr, type AdrLink } from './adr/parse-adr.js';
export {
  importLegacyEntries,
  entriesFromKeyValueLines,
  parseLegacyKey,
  type LegacyEntry,
  type LegacyImportResult,
} from './migrate/legacy-records.js';
