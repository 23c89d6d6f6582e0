import { TemporalDbError } from '../../core/errors.js';
import { TemporalDb, type CoreOptions } from '../../core/temporal-db.js';
import type { PostgresBackendOptions } from './options.js';

export interface OpenPostgresOptions extends CoreOptions, PostgresBackendOptions {}

// pg is an optional peer dependency: loaded on the first open, so that importing the entry never needs it.
let backendModule: Promise<typeof import('./postgres-backend.js')> | undefined;

async function loadBackend(): Promise<typeof import('./postgres-backend.js')> {
  try {
    await import('pg');
  } catch (error) {
    backendModule = undefined;
    throw new TemporalDbError(
      'MISSING_DEPENDENCY',
      `The PostgreSQL store needs the pg package, which could not be loaded: npm install pg (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  return import('./postgres-backend.js');
}

/**
 * Opens (or creates) a temporal store in a PostgreSQL schema (default
 * `temporal_db`): its tables and indexes are created when missing. Many
 * processes and machines may open the same store; their writes are
 * serialised by an advisory lock. Needs the `pg` package (`npm install pg`);
 * without it this throws `MISSING_DEPENDENCY`. A server that cannot be
 * reached gives `STORAGE_UNAVAILABLE`.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db/postgres';
 * const db = await openTemporalDb({ connectionString: 'postgres://app@db.internal/architecture', schema: 'team_a' });
 */
export async function openTemporalDb(options: OpenPostgresOptions = {}): Promise<TemporalDb> {
  backendModule ??= loadBackend();
  const { PostgresBackend } = await backendModule;
  const { clock, ...backendOptions } = options;
  return TemporalDb.create(await PostgresBackend.open(backendOptions), clock === undefined ? {} : { clock });
}
