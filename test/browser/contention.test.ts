import { describe, expect, it } from 'vitest';
import { openTemporalDb, type TemporalDb } from '../../src/indexeddb.js';

const WRITES = 15;

/** Every version 1..n once, each writer's versions in its own order, a change record per version. */
async function expectAllVersions(db: TemporalDb, writers: string[]) {
  const history = await db.getSpecificationHistory('ADR-HOT');
  const total = writers.length * 4 * WRITES;
  expect(history.map((v) => v.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  for (const writer of writers) {
    for (let w = 0; w < 4; w++) {
      const own = history.filter((v) => v.content.startsWith(`${writer}-${w}-`)).map((v) => Number(v.content.split('-')[2]));
      expect(own).toEqual(Array.from({ length: WRITES }, (_, i) => i));
    }
  }
  const changes = (await db.getChanges({ identifier: 'ADR-HOT' })).sort((a, b) => a.version - b.version);
  expect(changes.map((c) => c.version)).toEqual(history.map((v) => v.version));
}

describe('IndexedDB under contention', () => {
  it('refuses no valid write when 4 workers (own connections and event loops) each keep 4 writes in flight', async () => {
    const name = `temporal-db-contention-workers-${Date.now()}`;
    const writers = ['a', 'b', 'c', 'd'];
    const failures = await Promise.all(
      writers.map(
        (writer) =>
          new Promise<string[]>((resolve, reject) => {
            const worker = new Worker(new URL('./contention-worker.ts', import.meta.url), { type: 'module' });
            worker.onmessage = (event: MessageEvent<string[]>) => {
              worker.terminate();
              resolve(event.data);
            };
            worker.onerror = (event) => reject(new Error(event.message));
            worker.postMessage({ name, writer, writes: WRITES });
          }),
      ),
    );
    expect(failures).toEqual(writers.map(() => []));
    const db = await openTemporalDb({ name });
    await expectAllVersions(db, writers);
    await db.close();
  });

  it('refuses no valid write when 4 connections in one page each keep 4 writes in flight', async () => {
    const name = `temporal-db-contention-connections-${Date.now()}`;
    const writers = ['a', 'b', 'c', 'd'];
    const dbs = await Promise.all(writers.map(() => openTemporalDb({ name })));
    const failures: string[] = [];
    await Promise.all(
      dbs.flatMap((db, d) =>
        Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < WRITES; i++) {
            await db
              .storeSpecification({ specType: 'ADR', identifier: 'ADR-HOT', title: 't', content: `${writers[d]}-${w}-${i}` })
              .catch((error: { code?: string }) => failures.push(error.code ?? String(error)));
          }
        }),
      ),
    );
    expect(failures).toEqual([]);
    await expectAllVersions(dbs[0]!, writers);
    await Promise.all(dbs.map((db) => db.close()));
  });
});
