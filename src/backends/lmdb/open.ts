import { join } from 'node:path';
import { TemporalDbError } from '../../core/errors.js';
import { TemporalDb, type CoreOptions } from '../../core/temporal-db.js';

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

// lmdb is an optional peer dependency (native code a browser-only app must not install), so it is
// loaded on the first open, not when 'temporal-db' is imported; the backend module imports it statically.
let backendModule: Promise<typeof import('./lmdb-backend.js')> | undefined;

async function loadBackend(): Promise<typeof import('./lmdb-backend.js')> {
  try {
    await import('lmdb');
  } catch (error) {
    backendModule = undefined;
    throw new TemporalDbError(
      'MISSING_DEPENDENCY',
      `The Node store needs the lmdb package, which could not be loaded: npm install lmdb (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  return import('./lmdb-backend.js');
}

/**
 * Opens (or creates) a temporal store on LMDB. Needs the `lmdb` package
 * (`npm install temporal-db lmdb`); without it this throws `MISSING_DEPENDENCY`.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db';
 * const db = await openTemporalDb({ path: './architecture-db' });
 */
export async function openTemporalDb(options: OpenLmdbOptions = {}): Promise<TemporalDb> {
  const path = options.path ?? join(process.cwd(), DEFAULT_STORE_DIRECTORY);
  const backendOptions = options.noSync === undefined ? {} : { noSync: options.noSync };
  backendModule ??= loadBackend();
  const { LmdbBackend } = await backendModule;
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
