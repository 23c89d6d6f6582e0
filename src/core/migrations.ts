import type { Backend, WriteOp } from './backend.js';
import { TABLES, highestKey, lowestKey, type Row } from './tables.js';

/**
 * The writes that bring a store of schema `from` up to the current one, on
 * any engine (IndexedDB has already re-made changed stores in its upgrade,
 * so there they find nothing to do). Safe to run twice.
 */
export async function migrationOps(backend: Backend, from: number): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  if (from < 2) {
    // Schema 1 keyed imported records by their raw id; schema 2 by the encoded id (`idKey`).
    const { key } = TABLES.importedRecords;
    const rows = (await backend.range({ table: 'importedRecords', lower: lowestKey(key, []), upper: highestKey(key, []) })) as Row[];
    for (const row of rows) {
      if (row.idKey !== undefined) continue;
      ops.push({ type: 'delete', table: 'importedRecords', key: [row.kindKey as string, row.timestamp as number, row.id as string] });
      ops.push({ type: 'put', table: 'importedRecords', row });
    }
  }
  return ops;
}
