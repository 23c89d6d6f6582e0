// Which commands may create a store: only `init` and the writing commands
// (store, decide, the imports). Every other command needs one already there,
// and fails with NO_STORE rather than leave an empty store behind.
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { TemporalDb } from '../core/temporal-db.js';
import { CliError } from './cli-error.js';
import { exportLines } from '../core/store-interchange.js';

export type StoreNeed = 'existing' | 'create';

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** True when `path` holds an LMDB store: a directory with data.mdb, or (for a path with an extension) the file itself. */
export function storeExists(path: string): boolean {
  return isFile(join(path, 'data.mdb')) || (extname(path) !== '' && isFile(path));
}

/** The outermost folder that opening `path` would create, or undefined when its folder exists. */
function firstMissing(path: string): string | undefined {
  let missing: string | undefined;
  for (let at = extname(path) !== '' ? dirname(path) : path; !existsSync(at); at = dirname(at)) {
    missing = at;
    if (dirname(at) === at) break;
  }
  return missing;
}

/** Whether the store holds no record at all (the export header's counts are all zero). */
async function holdsNothing(db: TemporalDb): Promise<boolean> {
  const lines = exportLines(db)[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const counts = (JSON.parse(String(first.value)) as { counts: Record<string, number> }).counts;
    return Object.values(counts).every((n) => n === 0);
  } finally {
    await lines.return?.();
  }
}

/**
 * Opens the store at `path` for `use` and closes it whatever happens. With
 * `existing`, a path without a store fails with NO_STORE and creates nothing.
 * With `create`, a store this call created is removed again when `use` fails
 * before anything was written, so a rejected import leaves no trace.
 */
export async function withStore<T>(path: string, need: StoreNeed, use: (db: TemporalDb, created: boolean) => Promise<T>): Promise<T> {
  const absolute = resolve(path);
  const existed = storeExists(absolute);
  if (!existed && need === 'existing') throw new CliError('NO_STORE', `no store at ${absolute}; run temporal-db init`, ['--db']);
  const createdFolder = existed ? undefined : firstMissing(absolute);
  const { openTemporalDb } = await import('../backends/lmdb/open.js');
  let db: TemporalDb;
  try {
    db = await openTemporalDb({ path: absolute });
  } catch (error) {
    if (createdFolder) rmSync(createdFolder, { recursive: true, force: true });
    throw error;
  }
  let failed = true;
  try {
    const result = await use(db, !existed);
    failed = false;
    return result;
  } finally {
    const remove = failed && !existed && (await holdsNothing(db).catch(() => false));
    await db.close();
    if (remove) removeStore(absolute, createdFolder);
  }
}

function removeStore(path: string, createdFolder: string | undefined): void {
  if (createdFolder) {
    rmSync(createdFolder, { recursive: true, force: true });
  } else if (extname(path) !== '' && !existsSync(join(path, 'data.mdb'))) {
    rmSync(path, { force: true });
    rmSync(`${path}-lock`, { force: true });
  } else {
    rmSync(join(path, 'data.mdb'), { force: true });
    rmSync(join(path, 'lock.mdb'), { force: true });
  }
}
