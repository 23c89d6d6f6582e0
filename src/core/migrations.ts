import type { Backend, WriteOp } from './backend.js';
import type { ChangeRow } from './change-log.js';
import { rowId } from './commit-plan.js';
import { DECISION_COUNT } from './decisions.js';
import { encodeKeyString, type KeyPart } from './key-codec.js';
import { rowsIn, span, type CommitRow, type Row, type TableName } from './tables.js';

/**
 * The writes that bring a store of schema `from` up to the current one, on
 * any engine, once the engine has re-keyed the tables whose key changed
 * (IndexedDB in its upgrade transaction, LMDB and PostgreSQL in their
 * `upgrade`). Safe to run twice.
 */
export async function migrationOps(backend: Backend, from: number): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  const all = <T extends TableName>(table: T) => rowsIn(backend, span(table));
  const put = (table: TableName, row: Row) => ops.push({ type: 'put', table, row });
  if (from < 2) {
    // Schema 1 keyed imported records by their raw id; schema 2 by the encoded id (`idKey`).
    for (const row of await all('importedRecords')) {
      if (row.idKey !== undefined) continue;
      ops.push({ type: 'delete', table: 'importedRecords', key: [row.kindKey, row.timestamp, row.id] });
      put('importedRecords', row);
    }
  }
  if (from < 3) {
    // Schema 3 keys versions by [ik, version, id] and pattern versions by [id, version, recordedAt].
    // Before it a number held one version, so what names a version by its number alone (heads,
    // lean changes, commit rows) gets the key part that was added, found by the old key.
    const added = new Map<string, KeyPart>();
    for (const v of await all('specifications')) added.set(rowId('specifications', [v.ik, v.version]), v.id);
    for (const v of await all('patterns')) added.set(rowId('patterns', [v.id, v.version]), v.recordedAt);
    const idOf = (ik: string, version: number) => added.get(rowId('specifications', [ik, version])) as string | undefined;
    for (const head of await all('heads')) {
      const latestId = idOf(head.ik, head.latestVersion);
      if (head.latestId === undefined && latestId) put('heads', { ...head, latestId });
    }
    for (const change of (await all('changes')) as ChangeRow[]) {
      const ik = encodeKeyString(change.identifier);
      const joins = [idOf(ik, change.version - 1), idOf(ik, change.version)];
      // Without both versions there were no values to give (as before): the row stays as it is.
      if (change.changed && !change.joins && joins[0] && joins[1]) put('changes', { ...change, joins });
    }
    for (const commit of (await all('commits')) as CommitRow[]) {
      let moved = false;
      const writes = commit.writes.map(([table, ...key]) => {
        const part = added.get(rowId(table as string, key));
        return part === undefined ? [table!, ...key] : ((moved = true), [table!, ...key, part]);
      });
      if (moved) put('commits', { seq: commit.seq, writes });
    }
  }
  if (from < 4) {
    // Schema 4 keeps a decision as its change record only, and counts decisions in `meta`: the daily rollups sum them up.
    let count = 0;
    for (const rollup of await all('decisionRollups')) count += rollup.total;
    put('meta', { name: DECISION_COUNT, value: count });
  }
  return ops;
}
