import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeRecord, Specification, TemporalDb } from '../../src/index.js';
import { openTemporalDb as openLmdb } from '../../src/lmdb.js';
import { watch } from '../../src/live.js';
import { openTemporalDb as openMemory } from '../../src/memory.js';
import { runChild } from './run-child.js';

const dirs: string[] = [];
const open: TemporalDb[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function memory(): Promise<TemporalDb> {
  const db = await openMemory();
  open.push(db);
  return db;
}

async function lmdb(path?: string): Promise<TemporalDb> {
  if (!path) {
    path = mkdtempSync(join(tmpdir(), 'temporal-db-watch-'));
    dirs.push(path);
  }
  const db = await openLmdb({ path });
  open.push(db);
  return db;
}

const adr = (identifier: string, content: string, specType: 'ADR' | 'PRD' = 'ADR') => ({ specType, identifier, title: 't', content });

/** Every result a listener was handed. */
function results<T>(): { seen: T[]; listener: (result: T) => void } {
  const seen: T[] = [];
  return { seen, listener: (result) => seen.push(result) };
}

const contents = (versions: Array<Specification | undefined>) => versions.map((v) => v?.content);

describe('db.watch', () => {
  it('hands the latest version first, then each new one; writes to other identifiers do not fire it', async () => {
    const db = await memory();
    await db.storeSpecification(adr('ADR-001', 'one'));
    const { seen, listener } = results<Specification | undefined>();
    const stop = watch(db, { latest: 'ADR-001' }, listener);
    await vi.waitFor(() => expect(contents(seen)).toEqual(['one']));
    await db.storeSpecification(adr('ADR-002', 'other'));
    await db.storeSpecification(adr('ADR-001', 'two'));
    await vi.waitFor(() => expect(contents(seen)).toEqual(['one', 'two']));
    await db.deleteSpecification('ADR-001');
    await vi.waitFor(() => expect(contents(seen)).toEqual(['one', 'two', undefined]));
    stop();
    await db.storeSpecification(adr('ADR-001', 'three'));
    // A later watch sees the new version, so the stopped one would have by now.
    const after = results<Specification | undefined>();
    watch(db, { latest: 'ADR-001' }, after.listener);
    await vi.waitFor(() => expect(contents(after.seen)).toEqual(['three']));
    expect(seen).toHaveLength(3);
  });

  it('hands nothing when a commit leaves the result as it was (a list by type, a past as-of)', async () => {
    const db = await memory();
    const first = await db.storeSpecification(adr('ADR-001', 'one'));
    const list = results<Specification[]>();
    const past = results<Specification | undefined>();
    const history = results<Specification[]>();
    watch(db, { list: { specType: 'ADR' } }, list.listener);
    watch(db, { latest: 'ADR-001', asOf: first.timestamp }, past.listener);
    watch(db, { history: 'ADR-001' }, history.listener);
    await vi.waitFor(() => expect([list.seen.length, past.seen.length, history.seen.length]).toEqual([1, 1, 1]));
    await db.storeSpecification(adr('PRD-001', 'a product', 'PRD'));
    await db.storeSpecification(adr('ADR-001', 'two'));
    await db.storeSpecification(adr('ADR-002', 'another'));
    await vi.waitFor(() => expect(list.seen.map((l) => l.map((s) => s.content))).toEqual([['one'], ['two'], ['two', 'another']]));
    await vi.waitFor(() => expect(history.seen.map(contents)).toEqual([['one'], ['one', 'two']]));
    expect(contents(past.seen)).toEqual(['one']);
  });

  it('follows the change log after a point', async () => {
    const db = await memory();
    await db.storeSpecification(adr('ADR-001', 'old'));
    const since = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { seen, listener } = results<ChangeRecord[]>();
    watch(db, { changes: { since, identifier: 'ADR-001' } }, listener);
    await vi.waitFor(() => expect(seen).toEqual([[]]));
    await db.storeSpecification(adr('ADR-002', 'other'));
    await db.storeSpecification(adr('ADR-001', 'new'));
    await vi.waitFor(() => expect(seen.map((changes) => changes.map((c) => c.changeType))).toEqual([[], ['Update']]));
  });

  it('never has two runs of one watch in flight, and hands results in commit order', async () => {
    const db = await memory();
    let inFlight = 0;
    let most = 0;
    const read = db.getSpecificationHistory.bind(db);
    db.getSpecificationHistory = async (identifier: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      try {
        return await read(identifier);
      } finally {
        inFlight--;
      }
    };
    const { seen, listener } = results<Specification[]>();
    watch(db, { history: 'ADR-HOT' }, listener);
    for (let i = 0; i < 20; i++) await db.storeSpecification(adr('ADR-HOT', `v${i}`));
    await vi.waitFor(() => expect(seen.at(-1)).toHaveLength(20));
    expect(most).toBe(1);
    const lengths = seen.map((history) => history.length);
    expect(lengths).toEqual([...new Set(lengths)].sort((a, b) => a - b));
  });

  it('keeps the other watches going when a listener throws, and reports the error to onError', async () => {
    const db = await memory();
    const errors: unknown[] = [];
    watch(db, 
      { latest: 'ADR-001' },
      () => {
        throw new Error('render failed');
      },
      { onError: (error) => errors.push(error) },
    );
    const { seen, listener } = results<Specification | undefined>();
    watch(db, { latest: 'ADR-001' }, listener);
    await db.storeSpecification(adr('ADR-001', 'one'));
    await db.storeSpecification(adr('ADR-001', 'two'));
    await vi.waitFor(() => expect(contents(seen).at(-1)).toBe('two'));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2));
    expect(String(errors[0])).toContain('render failed');
  });

  it('iterates with for await; return() and an AbortSignal stop it', async () => {
    const db = await memory();
    await db.storeSpecification(adr('ADR-001', 'one'));
    const seen: Array<string | undefined> = [];
    for await (const latest of watch(db, { latest: 'ADR-001' })) {
      seen.push(latest?.content);
      if (seen.length === 1) void db.storeSpecification(adr('ADR-001', 'two'));
      else break; // calls return()
    }
    expect(seen).toEqual(['one', 'two']);

    const controller = new AbortController();
    const iterated: number[] = [];
    const loop = (async () => {
      for await (const history of watch(db, { history: 'ADR-001' }, { signal: controller.signal })) {
        iterated.push(history.length);
        if (history.length === 3) controller.abort();
      }
    })();
    await db.storeSpecification(adr('ADR-001', 'three'));
    await loop;
    expect(iterated.at(-1)).toBe(3);

    const heard = results<Specification | undefined>();
    const stopping = new AbortController();
    watch(db, { latest: 'ADR-001' }, heard.listener, { signal: stopping.signal });
    await vi.waitFor(() => expect(heard.seen).toHaveLength(1));
    stopping.abort();
    await db.storeSpecification(adr('ADR-001', 'four'));
    for await (const latest of watch(db, { latest: 'ADR-001' })) {
      expect(latest?.content).toBe('four');
      break;
    }
    expect(heard.seen).toHaveLength(1);
  });

  it('ends a for await loop when the store closes', async () => {
    const db = await openMemory();
    const loop = (async () => {
      let n = 0;
      for await (const _ of watch(db, { list: {} })) n++;
      return n;
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await db.close();
    expect(await loop).toBe(1);
  });

  it('refuses a bad query with INVALID_INPUT and its path, and a closed store with DATABASE_CLOSED', async () => {
    const db = await memory();
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return { code: (error as { code: string }).code, path: (error as { path: unknown[] }).path };
      }
      return undefined;
    };
    expect(code(() => watch(db, { list: { specType: 'XYZ' } } as never, () => undefined))).toEqual({ code: 'INVALID_INPUT', path: ['query', 'list', 'specType'] });
    expect(code(() => watch(db, { latest: '' }))).toEqual({ code: 'INVALID_INPUT', path: ['query', 'latest'] });
    expect(code(() => watch(db, { latest: 'ADR-1', asOf: 'not a date' }))).toEqual({ code: 'INVALID_INPUT', path: ['query', 'asOf'] });
    expect(code(() => watch(db, { changes: { limit: -1 } }))).toEqual({ code: 'INVALID_INPUT', path: ['query', 'changes', 'limit'] });
    expect(code(() => watch(db, {} as never))).toEqual({ code: 'INVALID_INPUT', path: ['query'] });
    expect(code(() => watch(db, { latest: 'A', history: 'A' } as never))).toEqual({ code: 'INVALID_INPUT', path: ['query'] });
    expect(code(() => watch({} as never, { latest: 'A' }))).toEqual({ code: 'INVALID_INPUT', path: ['db'] });
    const closed = await openMemory();
    await closed.close();
    expect(code(() => watch(closed, { latest: 'A' }, () => undefined))).toEqual({ code: 'DATABASE_CLOSED', path: [] });
    expect(code(() => closed.onCommit(() => undefined))).toEqual({ code: 'DATABASE_CLOSED', path: [] });
    expect(code(() => db.onCommit('not a function' as never))).toEqual({ code: 'INVALID_INPUT', path: ['listener'] });
  });

  it('fires after an import brings versions', async () => {
    const source = await memory();
    await source.storeSpecification(adr('ADR-001', 'imported'));
    const lines: string[] = [];
    await source.exportTo((line) => lines.push(line));
    const db = await memory();
    const { seen, listener } = results<Specification[]>();
    watch(db, { list: { specType: 'ADR' } }, listener);
    await vi.waitFor(() => expect(seen).toEqual([[]]));
    await db.importFrom(new Blob(lines));
    await vi.waitFor(() => expect(seen.map((list) => list.map((s) => s.content))).toEqual([[], ['imported']]));
  });

  it('fires after another LMDB handle and another process write to the store', async () => {
    const db = await lmdb();
    const path = dirs.at(-1)!;
    const other = await lmdb(path);
    const { seen, listener } = results<Specification[]>();
    watch(db, { history: 'ADR-001' }, listener);
    await vi.waitFor(() => expect(seen).toEqual([[]]));
    await other.storeSpecification(adr('ADR-001', 'from another handle'));
    await vi.waitFor(() => expect(seen.map(contents)).toEqual([[], ['from another handle']]));
    const child = await runChild(`
      import { openTemporalDb } from 'temporal-db';
      const db = await openTemporalDb({ path: ${JSON.stringify(path)} });
      await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-001', title: 't', content: 'from another process' });
      await db.close();`);
    expect(child.code, child.out).toBe(0);
    await vi.waitFor(() => expect(seen.map(contents).at(-1)).toEqual(['from another handle', 'from another process']));
  });
});
