import { join } from 'node:path';
import { TemporalDb, type CoreOptions } from '../../core/temporal-db.js';
import { LmdbBackend } from './lmdb-backend.js';

/** Where the Node build keeps its store when no path is given: `.temporal-db` in the working directory. */
export const DEFAULT_STORE_DIRECTORY = '.temporal-db';

export interface OpenLmdbOptions extends CoreOptions {
  /** Directory of the LMDB environment; created if missing. Defaults to `./.temporal-db`. */
  path?: string;
  /**
   * Skip the fsync at commit. Faster, but a machine crash can lose the last
   * commits (a process crash cannot). Off by default: commits are durable.
   */
  noSync?: boolean;
}

/**
 * Opens (or creates) a temporal store on LMDB.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db';
 * const db = await openTemporalDb({ path: './architecture-db' });
 */
export async function openTemporalDb(options: OpenLmdbOptions = {}): Promise<TemporalDb> {
  const path = options.path ?? join(process.cwd(), DEFAULT_STORE_DIRECTORY);
  const backendOptions = options.noSync === undefined ? {} : { noSync: options.noSync };
  return TemporalDb.create(LmdbBackend.open(path, backendOptions), options);
}

/**
 * The original crate's name for opening a store at a path.
 *
 * @example
 * const db = await initializeTemporalDatabase('./architecture-db');
 */
export function initializeTemporalDatabase(path?: string): Promise<TemporalDb> {
  return openTemporalDb(path === undefined ? {} : { path });
}
