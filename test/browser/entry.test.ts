import { describe, expect, it } from 'vitest';
// Resolved through package.json exports with the browser condition, as a web app's bundler would.
import { openTemporalDb, TemporalDbError } from 'temporal-db';

describe('the root entry in a real browser', () => {
  it('opens an IndexedDB store and reads back what it wrote', async () => {
    const name = `temporal-db-entry-${Date.now()}`;
    // Typed against the Node entry by this repo's tsconfig paths; at run time it is the IndexedDB build.
    const db = await openTemporalDb({ name } as Parameters<typeof openTemporalDb>[0]);
    expect(db.backendKind).toBe('indexeddb');
    const stored = await db.storeSpecification({ specType: 'PRD', identifier: 'PRD-1', title: 'Offline mode', content: '...' });
    expect(await db.getLatestSpecification('PRD', 'PRD-1')).toEqual(stored);
    await expect(db.storeSpecification({} as never)).rejects.toBeInstanceOf(TemporalDbError);
    await db.close();
    indexedDB.deleteDatabase(name);
  });
});
