import type { Backend, Plan } from './backend.js';
import { encodeKeyString } from './key-codec.js';
import { TABLES, keyOf, rowsIn, span, withKeyColumns, withoutKeyColumns, type RowOf } from './tables.js';
import type { ImportedRecord } from './types.js';
import type { PlanContext } from './write-queue.js';

/** Adds the records not stored yet (same kind, timestamp and id); returns how many it added. */
export function* planPutImported(ctx: PlanContext, records: readonly ImportedRecord[]): Plan<number> {
  let added = 0;
  for (const record of records) {
    const row = withKeyColumns(TABLES.importedRecords, record) as RowOf<'importedRecords'>;
    if (yield* ctx.get('importedRecords', keyOf(TABLES.importedRecords.key, row))) continue;
    ctx.insert('importedRecords', row);
    added++;
  }
  return added;
}

/** The imported records of one kind in [since, until], in time order. */
export async function readImported(backend: Backend, query: { kind: string; since?: number | undefined; until?: number | undefined }): Promise<ImportedRecord[]> {
  const kindKey = encodeKeyString(query.kind);
  const rows = await rowsIn(backend, span('importedRecords', [kindKey, query.since ?? -Infinity], [kindKey, query.until ?? Infinity]));
  return rows.map((row) => withoutKeyColumns(TABLES.importedRecords, row) as ImportedRecord);
}
