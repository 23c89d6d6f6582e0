import type { Backend, WriteOp } from './backend.js';
import type { ChangeRow } from './change-log.js';
import { encodeKeyString } from './key-codec.js';
import { rowsIn, span, type CommitRow, type Row } from './tables.js';

/**
 * The writes that bring a store of schema `from` up to the current one, on
 * any engine, once the engine has re-keyed the tables whose key changed
 * (IndexedDB in its upgrade transaction, LMDB and PostgreSQL in their
 * `upgrade`). Safe to run twice.
 */
export async function migrationOps(backend: Backend, from: number): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  if (from < 2) {
    // Schema 1 keyed imported records by their raw id; schema 2 by the encoded id (`idKey`).
    for (const row of (await rowsIn(backend, span('importedRecords'))) as Row[]) {
      if (row.idKey !== undefined) continue;
      ops.push({ type: 'delete', table: 'importedRecords', key: [row.kindKey as string, row.timestamp as number, row.id as string] });
      ops.push({ type: 'put', table: 'importedRecords', row });
    }
  }
  if (from < 3) {
    // Schema 3 keys versions by [ik, version, id]. Before it a number held one version, so the keys
    // that name a version by [ik, version] (heads, lean changes, commit rows) get its id.
    const ids = new Map<string, string>();
    for (const version of await rowsIn(backend, span('specifications'))) ids.set(`${version.ik}\u0000${version.version}`, version.id);
    const idOf = (ik: unknown, version: unknown) => ids.get(`${ik}\u0000${version}`);
    for (const head of await rowsIn(backend, span('heads'))) {
      const latestId = idOf(head.ik, head.latestVersion);
      if (head.latestId === undefined && latestId) ops.push({ type: 'put', table: 'heads', row: { ...head, latestId } });
    }
    for (const change of (await rowsIn(backend, span('changes'))) as ChangeRow[]) {
      if (!change.changed || change.joins) continue;
      const ik = encodeKeyString(change.identifier);
      const joins = [idOf(ik, change.version - 1), idOf(ik, change.version)];
      // Without both versions there were no values to give (as before); the row is kept as it is.
      if (joins[0] && joins[1]) ops.push({ type: 'put', table: 'changes', row: { ...change, joins } });
    }
    for (const commit of (await rowsIn(backend, span('commits'))) as CommitRow[]) {
      let changed = false;
      const writes = commit.writes.map((key) => {
        const id = key[0] === 'specifications' && key.length === 3 ? idOf(key[1], key[2]) : undefined;
        return id ? ((changed = true), [...key, id]) : key;
      });
      if (changed) ops.push({ type: 'put', table: 'commits', row: { seq: commit.seq, writes } });
    }
  }
  return ops;
}
