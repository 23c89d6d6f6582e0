import { ConnectionLostEvent } from '../../core/connection-lost.js';
import { TemporalDb, type CoreOptions } from '../../core/temporal-db.js';
import { IndexedDbBackend, type IndexedDbBackendOptions } from './indexeddb-backend.js';

/** The IndexedDB database name used when none is given. */
export const DEFAULT_DATABASE_NAME = 'temporal-db';

export interface OpenIndexedDbOptions extends CoreOptions, Omit<IndexedDbBackendOptions, 'onConnectionLost'> {
  /** IndexedDB database name. Defaults to `temporal-db`. */
  name?: string;
}

/**
 * Opens (or creates) a temporal store in IndexedDB.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db';
 * const db = await openTemporalDb({ name: 'architecture' });
 */
export async function openTemporalDb(options: OpenIndexedDbOptions = {}): Promise<TemporalDb> {
  let db: TemporalDb | undefined;
  const backend = await IndexedDbBackend.open(options.name ?? DEFAULT_DATABASE_NAME, {
    ...(options.durability === undefined ? {} : { durability: options.durability }),
    onConnectionLost: (reason) => db?.dispatchEvent(new ConnectionLostEvent(reason)),
  });
  db = await TemporalDb.create(backend, options);
  return db;
}

/**
 * The original crate's name for opening a store, here by database name.
 *
 * @example
 * const db = await initializeTemporalDatabase('architecture');
 */
export function initializeTemporalDatabase(name?: string): Promise<TemporalDb> {
  return openTemporalDb(name === undefined ? {} : { name });
}
