import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/lmdb.js';
import { expectHotHistory, runChild, runHotWriters } from './run-child.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('LMDB durability and processes', () => {
  it('keeps every committed write when the process is killed right after the commit', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-kill-'));
    dirs.push(path);
    const result = await runChild(`
      import { openTemporalDb } from 'temporal-db';
      const db = await openTemporalDb({ path: ${JSON.stringify(path)} });
      for (let i = 0; i < 20; i++) {
        await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-KILL', title: 't', content: 'v' + i });
      }
      console.log('committed');
      process.kill(process.pid, 'SIGKILL');`);
    expect(result.out).toContain('committed');
    expect(result.signal).toBe('SIGKILL');
    const db = await openTemporalDb({ path });
    const history = await db.getSpecificationHistory('ADR-KILL');
    expect(history.map((v) => v.content)).toEqual(Array.from({ length: 20 }, (_, i) => 'v' + i));
    expect((await db.getChanges()).length).toBe(20);
    await db.close();
  });

  it('serves a latest read kept by one process only until another process commits: its new version and its deletion are seen at once', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-latest-'));
    dirs.push(path);
    const db = await openTemporalDb({ path });
    await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-SHARED', title: 't', content: 'parent' });
    for (let i = 0; i < 5; i++) expect((await db.getLatestSpecification('ADR', 'ADR-SHARED'))?.content).toBe('parent');
    const child = (script: string) =>
      runChild(`
        import { openTemporalDb } from 'temporal-db';
        const db = await openTemporalDb({ path: ${JSON.stringify(path)} });
        ${script}
        await db.close();`);
    expect((await child(`await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-SHARED', title: 't', content: 'child' });`)).code).toBe(0);
    expect(await db.getLatestSpecification('ADR', 'ADR-SHARED')).toMatchObject({ version: 2, content: 'child' });
    expect((await child(`await db.deleteSpecification('ADR-SHARED');`)).code).toBe(0);
    expect(await db.getSpecification('ADR-SHARED')).toBeUndefined();
    await db.close();
  });

  it('gives unique, gap-free versions when two processes write one identifier at once', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-procs-'));
    dirs.push(path);
    const writer = (name: string) => `
      import { openTemporalDb } from 'temporal-db';
      const db = await openTemporalDb({ path: ${JSON.stringify(path)} });
      await Promise.all(Array.from({ length: 50 }, (_, i) =>
        db.storeSpecification({ specType: 'ADR', identifier: 'ADR-SHARED', title: 't', content: '${name}' + i })));
      await db.close();
      console.log('done');`;
    const results = await Promise.all([runChild(writer('a')), runChild(writer('b'))]);
    for (const result of results) expect(result.out.trim(), `exit ${result.code} signal ${result.signal}`).toBe('done');
    const db = await openTemporalDb({ path });
    const history = await db.getSpecificationHistory('ADR-SHARED');
    expect(history.map((v) => v.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(history.map((v) => v.content)).size).toBe(100);
    await db.close();
  });
  it('refuses no valid write when 8 processes each keep 4 writes in flight on one identifier', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-contention-'));
    dirs.push(path);
    const names = await runHotWriters('temporal-db', `{ path: ${JSON.stringify(path)} }`);
    const db = await openTemporalDb({ path });
    await expectHotHistory(db, names);
    await db.close();
  });
});

describe('LMDB schema upgrade', () => {
  it('moves the imported records of a schema 1 store to their encoded id', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-upgrade-'));
    dirs.push(path);
    // A schema 1 store as temporal-db 0.1 left it: imported records keyed by the raw id.
    const { open } = await import('lmdb');
    const root = open({ path, maxDbs: 64 });
    const options = { encoding: 'msgpack' as const, sharedStructuresKey: Symbol.for('temporal-db.structures') };
    const records = root.openDB({ name: 'importedRecords', ...options });
    for (const id of ['b', '\ue000', '\u{1F600}']) records.putSync(['k', 1, id], { kindKey: 'k', kind: 'k', id, timestamp: 1, source: 's', data: { id } });
    root.openDB({ name: 'meta', ...options }).putSync(['schemaVersion'], { name: 'schemaVersion', value: 1 });
    await root.close();
    const db = await openTemporalDb({ path });
    expect((await db.getImportedRecords({ kind: 'k' })).map((r) => r.id)).toEqual(['b', '\u{1F600}', '\ue000']);
    expect(await db.putImportedRecords([{ kind: 'k', id: 'b', timestamp: 1, source: 's', data: { id: 'b' } }])).toBe(0);
    await db.close();
  });
});

describe('LMDB commits', () => {
  it('writes nothing of a batch the engine fails half way (the plan runs in an abortable child transaction)', async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-abort-'));
    dirs.push(path);
    const { LmdbBackend } = await import('../../src/backends/lmdb/lmdb-backend.js');
    const { writeOps } = await import('../../src/core/commit-plan.js');
    const backend = LmdbBackend.open(path);
    try {
      // LMDB refuses keys above 1978 bytes: the second put fails after the first was made.
      const error = await backend
        .commit(
          writeOps([
            { type: 'put', table: 'meta', row: { name: 'first', value: 1 } },
            { type: 'put', table: 'meta', row: { name: 'x'.repeat(3000), value: 2 } },
          ]),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((error as { code?: string }).code).toBe('STORAGE_ERROR');
      expect(await backend.get('meta', ['first'])).toBeUndefined();
      expect(await backend.count('commits')).toBe(0);
      // The store still takes writes.
      await backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'after', value: 3 } }]));
      expect(await backend.get('meta', ['after'])).toEqual({ name: 'after', value: 3 });
    } finally {
      await backend.close();
    }
  });
});
