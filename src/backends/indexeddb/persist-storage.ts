/**
 * Asks the browser to keep this site's storage, the IndexedDB store with it,
 * when the disk runs short instead of evicting it (`navigator.storage.persist()`,
 * unless `persisted()` already says so). Resolves to whether it is persistent
 * now: `false` when the browser declines (Chromium decides by how much the
 * site is used, Firefox asks the user) or has no StorageManager (an insecure
 * context). It never throws.
 *
 * @example
 * import { persistStorage } from 'temporal-db';
 * if (!(await persistStorage())) console.warn('The browser may evict the store when space runs low');
 */
export async function persistStorage(): Promise<boolean> {
  try {
    const manager = navigator.storage;
    return (await manager.persisted()) || (await manager.persist());
  } catch {
    return false;
  }
}
