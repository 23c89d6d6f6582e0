/**
 * The browser build asks the browser to keep its IndexedDB store; an LMDB
 * store is a file that nothing evicts, so here it is always persistent.
 *
 * @example
 * import { persistStorage } from 'temporal-db';
 * await persistStorage(); // true in Node
 */
export async function persistStorage(): Promise<boolean> {
  return true;
}
