// What an LMDB environment holds on disk: the data file's size, and the entries
// and key + value bytes of each named sub-database (counted by reading them all).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';

/** Bytes of the environment's data file (lock file excluded: it holds no data). */
export const lmdbDiskBytes = (path: string) => statSync(join(path, 'data.mdb')).size;

export interface LmdbFootprint {
  entries: number;
  bytes: number;
  /** Per sub-database: entries and key + value bytes. */
  tables: Record<string, { entries: number; bytes: number }>;
}

/** Reads a closed environment read-only and counts what each sub-database holds. */
export async function lmdbFootprint(path: string): Promise<LmdbFootprint> {
  const root = open({ path, readOnly: true, maxDbs: 128, encoding: 'binary', keyEncoding: 'binary' });
  try {
    const tables: LmdbFootprint['tables'] = {};
    // The unnamed database holds one key per named sub-database.
    for (const raw of root.getKeys()) {
      const name = Buffer.from(raw as Uint8Array).toString('utf8');
      const db = root.openDB({ name, encoding: 'binary', keyEncoding: 'binary' });
      let entries = 0;
      let bytes = 0;
      for (const { key, value } of db.getRange({})) {
        entries++;
        bytes += (key as Uint8Array).length + (value as Uint8Array).length;
      }
      tables[name] = { entries, bytes };
    }
    const all = Object.values(tables);
    return { entries: all.reduce((n, t) => n + t.entries, 0), bytes: all.reduce((n, t) => n + t.bytes, 0), tables };
  } finally {
    await root.close();
  }
}
