import { TemporalDb, type CoreOptions } from '../../core/temporal-db.js';
import { MemoryBackend } from './memory-backend.js';

export interface OpenMemoryOptions extends CoreOptions {
  /**
   * Handles opened with the same name share one store for the life of the
   * process (or page); without a name the store is private to this handle.
   */
  name?: string;
}

/**
 * Opens a temporal store held in memory: nothing is written to disk. For
 * tests, server-side rendering and scratch stores, in Node and browsers.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db/memory';
 * const db = await openTemporalDb();
 */
export async function openTemporalDb(options: OpenMemoryOptions = {}): Promise<TemporalDb> {
  return TemporalDb.create(MemoryBackend.open(options.name), options);
}

/**
 * Drops the data of a named memory store (handles still open on it keep theirs).
 *
 * @example
 * deleteMemoryStore('scratch');
 */
export function deleteMemoryStore(name: string): void {
  MemoryBackend.delete(name);
}
