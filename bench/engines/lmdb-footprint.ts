// What an LMDB environment holds on disk: the data file's size, and the entries
// and key + value bytes of each named sub-database (counted by reading them all).
import { fork } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';

/** Bytes of the environment's data file (lock file excluded: it holds no data). */
export const lmdbDiskBytes = (path: string) => statSync(join(path, 'data.mdb')).size;

export interface LmdbFootprint {
  entries: number;
  bytes: number;
  /** Pages the B-trees use (branch, leaf and overflow), and pages the data file holds. */
  pages: number;
  filePages: number;
  pageSize: number;
  /** Per sub-database: entries, key + value bytes, and pages. */
  tables: Record<string, { entries: number; bytes: number; pages: number }>;
}

interface TreeStats {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
  lastPageNumber: number;
}
const pagesOf = (s: TreeStats) => s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;

/**
 * Counts what each sub-database of a closed environment holds, in a process of
 * its own: lmdb-js shares one environment per path within a process, and a
 * second, read-only handle on it there breaks the first one's transactions.
 */
export function lmdbFootprint(path: string): Promise<LmdbFootprint> {
  return new Promise((resolve, reject) => {
    let out = '';
    const proc = fork(fileURLToPath(import.meta.url), ['--count', path], { execArgv: process.execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LmdbFootprint) : reject(new Error(`counting ${path} failed (${code})`))));
  });
}

async function count(path: string): Promise<LmdbFootprint> {
  const root = open({ path, readOnly: true, maxDbs: 128, encoding: 'binary', keyEncoding: 'binary' });
  try {
    const tables: LmdbFootprint['tables'] = {};
    // The unnamed database holds one key per named sub-database.
    // Sub-database names are stored with their terminating NUL. Listed before any is opened:
    // opening one inside the listing's cursor invalidates it.
    const names = Array.from(root.getKeys(), (raw) => Buffer.from(raw as Uint8Array).toString('utf8').replace(/\0$/, ''));
    for (const name of names) {
      const db = root.openDB({ name, encoding: 'binary', keyEncoding: 'binary' });
      let entries = 0;
      let bytes = 0;
      for (const { key, value } of db.getRange({})) {
        entries++;
        bytes += (key as Uint8Array).length + (value as Uint8Array).length;
      }
      tables[name] = { entries, bytes, pages: pagesOf(db.getStats() as TreeStats) };
    }
    const all = Object.values(tables);
    const env = root.getStats() as TreeStats;
    const sum = (f: (t: (typeof all)[number]) => number) => all.reduce((n, t) => n + f(t), 0);
    return {
      entries: sum((t) => t.entries),
      bytes: sum((t) => t.bytes),
      pages: sum((t) => t.pages),
      filePages: env.lastPageNumber + 1,
      pageSize: env.pageSize,
      tables,
    };
  } finally {
    await root.close();
  }
}

if (process.argv[2] === '--count' && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await count(process.argv[3]!)));
}
