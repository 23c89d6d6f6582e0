import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { TABLES, TABLE_NAMES, columnsOf, span } from '../../src/core/tables.js';
import { openTemporalDb } from '../../src/indexeddb.js';
import { deleteMemoryStore, openTemporalDb as openMemory } from '../../src/memory.js';
import { newInSchema4, oldDecisionRows, populateForUpgrade, schema2Row, snapshot } from './schema2.js';

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

describe('IndexedDB schema 2 to the current one', () => {
  it('carries every version, change, count, head and commit of a schema 2 database over in its upgrade, and drops the old decisions store', async () => {
    // The rows of a store, made on the memory engine, written in the schema 2 layout: versions keyed by [ik, version].
    const source = `upgrade-source-${Date.now()}`;
    const memory = await openMemory({ name: source });
    await populateForUpgrade(memory);
    const expected = await snapshot(memory);
    const raw = MemoryBackend.open(source);
    const rows = new Map(await Promise.all(TABLE_NAMES.map(async (table) => [table, (await raw.range(span(table))) as Array<Record<string, unknown>>] as const)));
    await memory.close();
    deleteMemoryStore(source);

    const name = `temporal-db-upgrade3-${Date.now()}`;
    const opening = indexedDB.open(name, 2);
    opening.onupgradeneeded = () => {
      for (const table of TABLE_NAMES) {
        const keyPath = table === 'specifications' ? ['ik', 'version'] : table === 'patterns' ? ['id', 'version'] : columnsOf(TABLES[table].key);
        const store = opening.result.createObjectStore(table, { keyPath });
        for (const [index, definition] of Object.entries(TABLES[table].indexes) as Array<[string, { columns: Record<string, string>; unique?: boolean }]>) {
          store.createIndex(index, Object.keys(definition.columns), { unique: definition.unique ?? false });
        }
        for (const row of rows.get(table)!) if (!newInSchema4(table, row)) store.put(schema2Row(table, row));
      }
      const decisions = opening.result.createObjectStore('decisions', { keyPath: ['timestamp', 'id'] });
      decisions.createIndex('byPoint', ['pointKey', 'timestamp', 'id']);
      for (const row of oldDecisionRows(rows.get('changes')!)) decisions.put(row);
    };
    (await request(opening)).close();
    const db = await openTemporalDb({ name });
    try {
      expect(await snapshot(db)).toEqual(expected);
      const next = await db.storeSpecification({ ...expected.history.at(-1)!, title: 'After the upgrade' });
      expect(next.version).toBe(expected.history.length + 1);
    } finally {
      await db.close();
    }
    // The upgrade has been recorded: opening again changes nothing.
    const again = await openTemporalDb({ name });
    try {
      expect((await snapshot(again)).history).toHaveLength(expected.history.length + 1);
    } finally {
      await again.close();
    }
    // Schema 4 dropped the `decisions` store (a decision is its change record).
    const upgraded = await request(indexedDB.open(name));
    expect([...upgraded.objectStoreNames].sort()).toEqual([...TABLE_NAMES].sort());
    upgraded.close();
  });
});
