import { describe, expect, it, vi } from 'vitest';
import { encodeKeyString, openTemporalDb, type CommitEvent, type Specification, type TemporalDb } from '../../src/indexeddb.js';
import { watch } from '../../src/live.js';

const adr = (identifier: string, content: string) => ({ specType: 'ADR' as const, identifier, title: 't', content });

function record(db: TemporalDb): CommitEvent[] {
  const events: CommitEvent[] = [];
  db.onCommit((event) => events.push(event));
  return events;
}

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Another tab's writer (a worker with its own connection) stores `writes` versions of ADR-WORKER; resolves to the sequence numbers it committed. */
async function writeInWorker(name: string, writes: number): Promise<number[]> {
  const worker = new Worker(new URL('./commit-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<number[]>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<number[]>) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage({ name, writes });
    });
  } finally {
    worker.terminate();
  }
}

describe('db.onCommit on IndexedDB', () => {
  it('two connections on one database hear each other’s commits, each once and in order, while they race', async () => {
    const name = `temporal-db-commits-${Date.now()}`;
    const [a, b] = [await openTemporalDb({ name }), await openTemporalDb({ name })];
    try {
      const heardByA = record(a);
      const heardByB = record(b);
      await b.storeSpecification(adr('ADR-001', 'from b'));
      await vi.waitFor(() => expect(heardByA).toHaveLength(1));
      expect(heardByA[0]).toEqual({ ...heardByB[0], local: false });
      await Promise.all(
        [a, b].flatMap((db, d) => Array.from({ length: 20 }, (_, i) => db.storeSpecification(adr(`ADR-${d}${i % 3}`, `${d}-${i}`)))),
      );
      for (let i = 0; i < 5; i++) await Promise.all([a.storeSpecification(adr('ADR-A', `a${i}`)), b.storeSpecification(adr('ADR-B', `b${i}`))]);
      // The last batch: once both have heard it, they have heard everything before it.
      await a.storeSpecification(adr('ADR-END', 'end'));
      const isEnd = (event: CommitEvent | undefined) => event?.writes.some((key) => key[0] === 'heads' && key[1] === encodeKeyString('ADR-END'));
      await vi.waitFor(() => expect([isEnd(heardByA.at(-1)), isEnd(heardByB.at(-1))]).toEqual([true, true]));
      const end = heardByA.at(-1)!.seq;
      const first = heardByB[0]!.seq;
      for (const heard of [heardByA, heardByB]) expect(heard.map((e) => e.seq)).toEqual(numbers(first, end));
      heardByA.forEach((event, i) => expect(heardByB[i]).toEqual({ ...event, local: !event.local }));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('hears the commits of another tab (a worker with its own connection)', async () => {
    const name = `temporal-db-commits-worker-${Date.now()}`;
    const db = await openTemporalDb({ name });
    try {
      const heard = record(db);
      await db.storeSpecification(adr('ADR-PAGE', 'page'));
      const made = await writeInWorker(name, 8);
      expect(made).toHaveLength(8);
      await vi.waitFor(() => expect(heard.filter((e) => !e.local).map((e) => e.seq)).toEqual(made));
      expect(heard[0]!.local).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a live query fires after another tab writes, and after a second connection in this one', async () => {
    const name = `temporal-db-watch-tabs-${Date.now()}`;
    const [db, other] = [await openTemporalDb({ name }), await openTemporalDb({ name })];
    try {
      const seen: Specification[][] = [];
      const stop = watch(db, { history: 'ADR-WORKER' }, (history) => seen.push(history));
      await vi.waitFor(() => expect(seen).toEqual([[]]));
      await writeInWorker(name, 3);
      await vi.waitFor(() => expect(seen.at(-1)?.map((v) => v.content)).toEqual(['w0', 'w1', 'w2']));
      await other.storeSpecification({ specType: 'ADR', identifier: 'ADR-WORKER', title: 't', content: 'from the other connection' });
      await vi.waitFor(() => expect(seen.at(-1)).toHaveLength(4));
      // Each result differs from the one before it, and they come in commit order.
      expect(seen.map((history) => history.length)).toEqual([...new Set(seen.map((history) => history.length))].sort((a, b) => a - b));
      stop();
    } finally {
      await Promise.all([db.close(), other.close()]);
    }
  });

  it('a latest version read again and again here follows another tab’s writes once their notice arrives, and a watch of it gets the new one', async () => {
    const name = `temporal-db-latest-tabs-${Date.now()}`;
    const [db, other] = [await openTemporalDb({ name }), await openTemporalDb({ name })];
    try {
      await db.storeSpecification(adr('ADR-WORKER', 'page'));
      for (let i = 0; i < 3; i++) expect((await db.getLatestSpecification('ADR', 'ADR-WORKER'))?.content).toBe('page');
      const seen: Array<string | undefined> = [];
      const stop = watch(db, { latest: 'ADR-WORKER' }, (latest) => seen.push(latest?.content));
      await vi.waitFor(() => expect(seen).toEqual(['page']));
      await writeInWorker(name, 3);
      await vi.waitFor(async () => expect((await db.getLatestSpecification('ADR', 'ADR-WORKER'))?.version).toBe(4));
      await vi.waitFor(() => expect(seen.at(-1)).toBe('w2'));
      // A second connection in this page: seen as soon as its write resolves, with no notice to wait for.
      expect((await db.getSpecification('ADR-WORKER'))?.content).toBe('w2');
      await other.storeSpecification(adr('ADR-WORKER', 'other'));
      expect((await db.getSpecification('ADR-WORKER'))?.content).toBe('other');
      stop();
    } finally {
      await Promise.all([db.close(), other.close()]);
    }
  });
});
