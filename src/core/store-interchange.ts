import { TemporalDbError } from './errors.js';
import { internals } from './internals.js';
import { exportLines as linesOf, exportStream as streamOf, exportTo as writeTo, importLines, type ImportResult, type ImportSource } from './interchange.js';
import type { TemporalDb } from './temporal-db.js';

// Export and import are functions of a store, not methods: a class cannot be tree-shaken, and a
// browser app that never exports should not ship them (Dexie keeps them in dexie-export-import,
// RxDB in its json-dump plugin). They reach the store's parts through internals.ts, as sync does.

/**
 * The whole store as NDJSON lines (each ending in a newline): a header with
 * the format, its version, the export time and counts per table, then one
 * `{ "table", "record" }` line per record, tables and records in key order,
 * all as of one commit. Read a page at a time: memory stays flat however
 * large the store.
 *
 * @example
 * import { exportLines } from 'temporal-db/interchange';
 * for await (const line of exportLines(db)) process.stdout.write(line);
 */
export function exportLines(db: TemporalDb): AsyncIterable<string> {
  const { backend, clock } = internals(db, 'exportLines');
  return linesOf(backend, clock());
}

/**
 * The export as a byte stream: pipe it to a file in Node or turn it into a
 * download in a browser.
 *
 * @example
 * const blob = await new Response(exportStream(db)).blob();
 * await exportStream(db).pipeTo(Writable.toWeb(createWriteStream('store.ndjson'))); // Node
 */
export const exportStream = (db: TemporalDb): ReadableStream<Uint8Array> => streamOf(exportLines(db));

/**
 * Writes the export to a WritableStream or hands each line to a callback.
 *
 * @example
 * const lines: string[] = [];
 * await exportTo(db, (line) => lines.push(line));
 */
export async function exportTo(db: TemporalDb, target: WritableStream<Uint8Array> | ((line: string) => unknown)): Promise<void> {
  return writeTo(exportLines(db), target);
}

/**
 * Imports an export. Every line is checked before anything is written: a
 * bad line (not JSON, failing its schema, an unknown table, an unknown
 * format version, a record that clashes with the store) rejects the import
 * with `INVALID_INPUT` and `path` `['line', n, ...field]`. Records already in
 * the store are skipped and another replica's version of the same number is
 * kept beside it, so an import can be repeated or resumed safely.
 *
 * @example
 * await importFrom(db, file); // a File or Blob from an <input type="file">
 * await importFrom(db, () => createReadStream('store.ndjson')); // Node
 */
export async function importFrom(db: TemporalDb, source: ImportSource): Promise<ImportResult> {
  const { backend, writes, hlc } = internals(db, 'importFrom');
  if (!(source instanceof Blob) && typeof source !== 'function') {
    throw new TemporalDbError('INVALID_INPUT', 'importFrom takes a Blob or a function that opens the source (it is read twice)', { path: ['source'] });
  }
  return importLines(backend, writes, source, hlc);
}
