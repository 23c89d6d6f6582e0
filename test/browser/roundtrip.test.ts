import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { openTemporalDb } from '../../src/indexeddb.js';
import { recordLines } from '../contract/sample-store.js';
import { exportLines, importFrom } from '../../src/interchange.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    lmdbSampleExport: () => Promise<string[]>;
  }
}

describe('interchange across engines', () => {
  it('exports from LMDB, imports into IndexedDB, and exports the same record lines again', async () => {
    const fromLmdb = await commands.lmdbSampleExport();
    expect(fromLmdb.length).toBe(19);
    const name = `temporal-db-roundtrip-${Date.now()}`;
    const db = await openTemporalDb({ name });
    try {
      const result = await importFrom(db, new Blob(fromLmdb, { type: 'application/x-ndjson' }));
      expect(result.added).toEqual({ specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 });
      const again: string[] = [];
      for await (const line of exportLines(db)) again.push(line);
      expect(recordLines(again)).toEqual(recordLines(fromLmdb));
      expect((await db.getLatestSpecification('ADR', 'ADR-😀 two'))?.title).toBe('Emoji');
    } finally {
      await db.close();
      indexedDB.deleteDatabase(name);
    }
  });
});
