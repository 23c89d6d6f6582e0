import { describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/indexeddb.js';

const request = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

describe('IndexedDB schema upgrade', () => {
  it('re-keys the imported records of a schema 1 database by their encoded id', async () => {
    const name = `temporal-db-upgrade-${Date.now()}`;
    // A schema 1 database as temporal-db 0.1 left it: imported records keyed by the raw id.
    const opening = indexedDB.open(name, 1);
    opening.onupgradeneeded = () => {
      const db = opening.result;
      const store = db.createObjectStore('importedRecords', { keyPath: ['kindKey', 'timestamp', 'id'] });
      db.createObjectStore('meta', { keyPath: ['name'] }).put({ name: 'schemaVersion', value: 1 });
      for (const id of ['b', '\ue000', '\u{1F600}']) store.put({ kindKey: 'k', kind: 'k', id, timestamp: 1, source: 's', data: { id } });
    };
    (await request(opening)).close();
    const db = await openTemporalDb({ name });
    try {
      expect((await db.getImportedRecords({ kind: 'k' })).map((r) => r.id)).toEqual(['b', '\u{1F600}', '\ue000']);
      expect(await db.putImportedRecords([{ kind: 'k', id: 'b', timestamp: 1, source: 's', data: { id: 'b' } }])).toBe(0);
    } finally {
      await db.close();
    }
  });
});
