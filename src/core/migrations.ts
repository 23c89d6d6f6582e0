import type { Backend, WriteOp } from './backend.js';
import type { ChangeRow } from './change-log.js';
import { encodeKeyString, type KeyPart } from './key-codec.js';
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
    // Schema 3 keys versions by [ik, version, id] and pattern versions by [id, version, recordedAt].
    // Before it a number held one version, so the keys that name a version by its number alone
    // (heads, lean changes, commit rows) get the part that was added.
    const added = { specifications: new Map<string, KeyPart>(), patterns: new Map<string, KeyPart>() };
    for (const version of await rowsIn(backend, span('specifications'))) added.specifications.set(`${version.ik}\u0000${version.version}`, version.id);
    for (const version of await rowsIn(backend, span('patterns'))) added.patterns.set(`${version.id}\u0000${version.version}`, version.recordedAt);
    const idOf = (ik: unknown, version: unknown) => added.specifications.get(`${ik}\u0000${version}`) as string | undefined;
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
      const writes = commit.writes.map(([table, ...key]) => {
        const part = key.length === 2 && (table === 'specifications' || table === 'patterns') ? added[table].get(key.join('\u0000')) : undefined;
        return part === undefined ? [table!, ...key] : ((changed = true), [table!, ...key, part]);
      });
      if (changed) ops.push({ type: 'put', table: 'commits', row: { seq: commit.seq, writes } });
    }
  }
  return ops;
}
