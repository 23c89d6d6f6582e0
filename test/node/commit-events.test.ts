import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeKeyString, type CommitEvent, type TemporalDb } from '../../src/index.js';
import { openTemporalDb as openLmdb } from '../../src/lmdb.js';
import { openTemporalDb as openMemory } from '../../src/memory.js';
import { runChild } from './run-child.js';

const dirs: string[] = [];
const open: TemporalDb[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storePath(): string {
  const path = mkdtempSync(join(tmpdir(), 'temporal-db-commits-'));
  dirs.push(path);
  return path;
}

async function lmdb(path: string): Promise<TemporalDb> {
  const db = await openLmdb({ path });
  open.push(db);
  return db;
}

const adr = (identifier: string, content: string) => ({ specType: 'ADR' as const, identifier, title: 't', content });

/** The events a handle hears from now on. */
function record(db: TemporalDb): CommitEvent[] {
  const events: CommitEvent[] = [];
  db.onCommit((event) => events.push(event));
  return events;
}

/** Sequence numbers `from..to`. */
const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('db.onCommit', () => {
  it('hears each local commit once, in order, with the keys it wrote', async () => {
    const db = await openMemory();
    open.push(db);
    const events = record(db);
    const first = await db.storeSpecification(adr('ADR-001', 'one'));
    await vi.waitFor(() => expect(events).toHaveLength(1));
    // Two stores in one event turn are one batch.
    await Promise.all([db.storeSpecification(adr('ADR-002', 'two')), db.storeSpecification(adr('ADR-001', 'three'))]);
    await db.deleteSpecification('ADR-002');
    await vi.waitFor(() => expect(events).toHaveLength(3));
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(numbers(seqs[0]!, seqs[0]! + seqs.length - 1));
    expect(events.every((e) => e.local)).toBe(true);
    // The first commit wrote the version, its change record, and the head of ADR-001.
    const tables = events[0]!.writes.map(([table]) => table);
    expect(tables).toEqual(expect.arrayContaining(['specifications', 'changes', 'heads']));
    expect(events[0]!.writes.find(([table]) => table === 'specifications')).toContain(first.version);
  });

  it('stops after unsubscribe, and a listener that throws does not keep the others from hearing', async () => {
    const db = await openMemory();
    open.push(db);
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      db.onCommit(() => {
        throw new Error('listener failed');
      });
      const heard: number[] = [];
      const stop = db.onCommit(({ seq }) => heard.push(seq));
      await db.storeSpecification(adr('ADR-001', 'one'));
      await vi.waitFor(() => expect(heard).toHaveLength(1));
      stop();
      await db.storeSpecification(adr('ADR-001', 'two'));
      await vi.waitFor(() => expect(errors).toHaveLength(2));
      expect(heard).toHaveLength(1);
      expect(String(errors[0])).toContain('listener failed');
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('hears, with local: false, what another handle on the same LMDB store commits, even when their commits race', async () => {
    const path = storePath();
    const a = await lmdb(path);
    const b = await lmdb(path);
    await a.storeSpecification(adr('ADR-000', 'before anyone listens'));
    const heardByA = record(a);
    const heardByB = record(b);
    await b.storeSpecification(adr('ADR-001', 'from b'));
    await vi.waitFor(() => expect(heardByA.map((e) => e.local)).toEqual([false]));
    expect(heardByA[0]!.seq).toBe(heardByB[0]!.seq);
    // Both write at once, many batches each: every number once, in order, on both sides.
    await Promise.all(
      [a, b].flatMap((db, d) => Array.from({ length: 30 }, (_, i) => db.storeSpecification(adr(`ADR-${d}${i % 3}`, `${d}-${i}`)))),
    );
    for (let i = 0; i < 10; i++) await Promise.all([a.storeSpecification(adr('ADR-A', `a${i}`)), b.storeSpecification(adr('ADR-B', `b${i}`))]);
    // The last batch: once both have heard it, they have heard everything before it.
    await a.storeSpecification(adr('ADR-END', 'end'));
    const isEnd = (event: CommitEvent | undefined) => event?.writes.some((key) => key[0] === 'heads' && key[1] === encodeKeyString('ADR-END'));
    await vi.waitFor(() => expect([isEnd(heardByA.at(-1)), isEnd(heardByB.at(-1))]).toEqual([true, true]));
    const end = heardByA.at(-1)!.seq;
    const first = heardByB[0]!.seq;
    for (const heard of [heardByA, heardByB]) expect(heard.map((e) => e.seq)).toEqual(numbers(first, end));
    // What one calls local the other calls external, and each batch has the same keys on both sides.
    heardByA.forEach((event, i) => {
      expect(heardByB[i]!.local).toBe(!event.local);
      expect(heardByB[i]!.writes).toEqual(event.writes);
    });
  });

  it('hears what another process commits to the LMDB store, and that process exits once closed', async () => {
    const path = storePath();
    const db = await lmdb(path);
    const heard = record(db);
    const child = runChild(`
      import { openTemporalDb } from 'temporal-db';
      const db = await openTemporalDb({ path: ${JSON.stringify(path)} });
      const seen = [];
      db.onCommit(({ seq, local }) => seen.push([seq, local]));
      for (let i = 0; i < 10; i++) await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-CHILD', title: 't', content: 'c' + i });
      // Wait until it has heard the parent's first commit (made after its own 10th).
      while (!seen.some(([, local]) => !local)) await new Promise((resolve) => setTimeout(resolve, 10));
      await db.close();
      console.log(JSON.stringify(seen));`);
    await vi.waitFor(() => expect(heard.filter((e) => !e.local)).toHaveLength(10), { timeout: 30_000 });
    await db.storeSpecification(adr('ADR-PARENT', 'p'));
    const result = await child;
    expect(result.code, result.out).toBe(0);
    const seen = JSON.parse(result.out.trim()) as Array<[number, boolean]>;
    const own = seen.filter(([, local]) => local).map(([seq]) => seq);
    expect(heard.filter((e) => !e.local).map((e) => e.seq)).toEqual(own);
    expect(seen.filter(([, local]) => !local).map(([seq]) => seq)).toEqual([heard.at(-1)!.seq]);
    expect(heard.at(-1)!.local).toBe(true);
  });

  it('hears nothing of commits made elsewhere before it subscribed', async () => {
    const path = storePath();
    const a = await lmdb(path);
    const b = await lmdb(path);
    for (let i = 0; i < 5; i++) await b.storeSpecification(adr('ADR-OLD', `${i}`));
    const heard = record(a);
    const made = record(b);
    await b.storeSpecification(adr('ADR-NEW', 'new'));
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    expect(heard).toEqual([{ ...made[0], local: false }]);
  });
});
