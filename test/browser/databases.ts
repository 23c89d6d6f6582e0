import { afterEach } from 'vitest';
import { openTemporalDb } from '../../src/indexeddb.js';
import type { TemporalDb } from '../../src/index.js';

/**
 * The IndexedDB databases a test file makes, named after `prefix`: each
 * test's handles are closed and its databases deleted after it.
 */
export function testDatabases(prefix: string) {
  let counter = 0;
  const names: string[] = [];
  const handles: TemporalDb[] = [];
  afterEach(async () => {
    for (const db of handles.splice(0)) await db.close().catch(() => undefined);
    for (const name of names.splice(0)) {
      await new Promise<void>((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
    }
  });
  const newName = () => {
    const name = `temporal-db-${prefix}-${Date.now()}-${counter++}`;
    names.push(name);
    return name;
  };
  return {
    newName,
    /** A store on a new database (or on `name`), closed after the test. */
    async open(name = newName()): Promise<TemporalDb> {
      const db = await openTemporalDb({ name });
      handles.push(db);
      return db;
    },
  };
}
