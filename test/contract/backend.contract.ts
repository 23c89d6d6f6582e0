import { describe, expect, it } from 'vitest';
import { writeOps } from '../../src/core/commit-plan.js';
import { TemporalDbError } from '../../src/index.js';
import type { ContractContext } from './context.js';

/** The contract of the Backend interface itself, which every engine keeps (beside the domain suite). */
export function backendContract(ctx: ContractContext): void {
  describe('backend', () => {
    it('commits a batch atomically: a conflicting insert leaves nothing behind', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        await backend.commit(writeOps([{ type: 'insert', table: 'meta', row: { name: 'taken', value: 1 } }]));
        const error = await backend
          .commit(writeOps([
            { type: 'put', table: 'meta', row: { name: 'fresh', value: 2 } },
            { type: 'insert', table: 'changes', row: { timestamp: 5, id: 'c1', specId: 's', changeType: 'Create' } },
            { type: 'insert', table: 'meta', row: { name: 'taken', value: 3 } },
          ]))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(TemporalDbError);
        expect((error as TemporalDbError).code).toBe('WRITE_CONFLICT');
        expect(await backend.get('meta', ['fresh'])).toBeUndefined();
        expect(await backend.get('meta', ['taken'])).toEqual({ name: 'taken', value: 1 });
        expect(await backend.get('changes', [5, 'c1'])).toBeUndefined();
        expect(
          await backend.range({ table: 'changes', index: 'bySpec', lower: ['s', -Infinity, ''], upper: ['s', Infinity, '\ud7ff'] }),
        ).toEqual([]);
      } finally {
        await backend.close();
      }
    });

    it('reads single keys, many keys in the order given, and nothing for a missing key', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        await backend.commit(writeOps(['b', 'a', 'c'].map((name, i) => ({ type: 'put' as const, table: 'meta' as const, row: { name, value: i } }))));
        expect(await backend.get('meta', ['a'])).toEqual({ name: 'a', value: 1 });
        expect(await backend.get('meta', ['z'])).toBeUndefined();
        expect(await backend.getMany('meta', [['c'], ['z'], ['b']])).toEqual([{ name: 'c', value: 2 }, undefined, { name: 'b', value: 0 }]);
        expect(await backend.getMany('meta', [])).toEqual([]);
        // What a caller does to a row it read does not reach the store.
        const row = (await backend.get('meta', ['a']))!;
        row.value = 99;
        expect(await backend.get('meta', ['a'])).toEqual({ name: 'a', value: 1 });
      } finally {
        await backend.close();
      }
    });

    it('runs a plan inside the write transaction: its reads see the latest commit, a throw writes nothing', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        const increment = () =>
          backend.commit(function* () {
            const row = (yield { read: 'get', table: 'meta', key: ['counter'] }) as { value: number } | undefined;
            const value = (row?.value ?? 0) + 1;
            return { ops: [{ type: 'put', table: 'meta', row: { name: 'counter', value } }], result: value };
          });
        // Started together, each still reads the value the one before it wrote.
        expect(await Promise.all([increment(), increment(), increment()])).toEqual([1, 2, 3]);
        const error = await backend
          .commit(function* () {
            yield { read: 'get', table: 'meta', key: ['counter'] };
            throw new TemporalDbError('NOT_FOUND', 'refused');
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect((error as TemporalDbError).code).toBe('NOT_FOUND');
        expect(await backend.get('meta', ['counter'])).toEqual({ name: 'counter', value: 3 });
      } finally {
        await backend.close();
      }
    });

    it('answers a read batch from one snapshot', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        await backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'a', value: 1 } }]));
        const reading = backend.read([
          { read: 'get', table: 'meta', key: ['a'] },
          { read: 'count', table: 'meta' },
          { read: 'range', query: { table: 'meta', lower: [''], upper: ['\ud7ff'] } },
          { read: 'last', table: 'meta' },
        ]);
        const writing = backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'b', value: 2 } }]));
        const [a, count, rows, last] = await reading;
        await writing;
        // All four answers agree with each other: all before the write, or all after it.
        expect(a).toEqual({ name: 'a', value: 1 });
        expect((rows as unknown[]).length).toBe(count);
        expect(last).toEqual((rows as unknown[])[(rows as unknown[]).length - 1]);
      } finally {
        await backend.close();
      }
    });

    it('gives every committed batch the next sequence number, kept with the keys it wrote', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        const commits = async () =>
          (await backend.range({ table: 'commits', lower: [-Infinity], upper: [Infinity] })) as Array<{ seq: number; writes: unknown[] }>;
        const start = (await commits()).length;
        await backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'a', value: 1 } }]));
        // A batch that writes nothing takes no number; a failed one neither.
        await backend.commit(writeOps([]));
        await backend
          .commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'a', value: 2 } }, { type: 'insert', table: 'meta', row: { name: 'a', value: 3 } }]))
          .catch(() => undefined);
        await backend.commit(
          writeOps([
            { type: 'delete', table: 'meta', key: ['a'] },
            { type: 'insert', table: 'changes', row: { timestamp: 5, id: 'c1', specId: 's', changeType: 'Create' } },
          ]),
        );
        const rows = (await commits()).slice(start);
        expect(rows.map((r) => r.seq)).toEqual([start + 1, start + 2]);
        expect(rows.map((r) => r.writes)).toEqual([[['meta', 'a']], [['meta', 'a'], ['changes', 5, 'c1']]]);
        const [last, count] = await backend.read([{ read: 'last', table: 'commits' }, { read: 'count', table: 'changes' }]);
        expect((last as { seq: number }).seq).toBe(start + 2);
        expect(count).toBe(1);
      } finally {
        await backend.close();
      }
    });

    it('treats an insert of a key written earlier in the batch as a conflict, and one after a delete as new', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        const error = await backend
          .commit(
            writeOps([
              { type: 'put', table: 'meta', row: { name: 'x', value: 1 } },
              { type: 'insert', table: 'meta', row: { name: 'x', value: 2 } },
            ]),
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect((error as TemporalDbError).code).toBe('WRITE_CONFLICT');
        expect(await backend.get('meta', ['x'])).toBeUndefined();
        await backend.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'x', value: 1 } }]));
        await backend.commit(
          writeOps([
            { type: 'delete', table: 'meta', key: ['x'] },
            { type: 'insert', table: 'meta', row: { name: 'x', value: 3 } },
          ]),
        );
        expect(await backend.get('meta', ['x'])).toEqual({ name: 'x', value: 3 });
      } finally {
        await backend.close();
      }
    });

    it('keeps indexes in step when a row is replaced or deleted', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        const head = (activityAt: number) => ({ id: 'p1', version: activityAt, activityAt });
        await backend.commit(writeOps([{ type: 'put', table: 'patternHeads', row: head(1) }]));
        await backend.commit(writeOps([{ type: 'put', table: 'patternHeads', row: head(2) }]));
        const active = (at: number) =>
          backend.range({ table: 'patternHeads', index: 'byActivity', lower: [at, ''], upper: [at, '\ud7ff'] });
        expect(await active(1)).toEqual([]);
        expect(await active(2)).toEqual([head(2)]);
        const pointer = { ik: 'k', identifier: 'k', specId: 's1', specType: 'ADR', latestVersion: 1 };
        await backend.commit(writeOps([{ type: 'put', table: 'heads', row: pointer }]));
        await backend.commit(writeOps([{ type: 'put', table: 'heads', row: { ...pointer, latestVersion: 2 } }]));
        const bySpecId = () => backend.range({ table: 'heads', index: 'bySpecId', lower: ['s1'], upper: ['s1'] });
        expect(await bySpecId()).toEqual([{ ...pointer, latestVersion: 2 }]);
        await backend.commit(writeOps([
          { type: 'delete', table: 'heads', key: ['k'] },
          { type: 'delete', table: 'patternHeads', key: ['p1'] },
        ]));
        expect(await bySpecId()).toEqual([]);
        expect(await active(2)).toEqual([]);
        // A unique index refuses a second row with the same value.
        await backend.commit(writeOps([{ type: 'put', table: 'heads', row: pointer }]));
        const clash = await backend.commit(writeOps([{ type: 'put', table: 'heads', row: { ...pointer, ik: 'other', identifier: 'other' } }])).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((clash as TemporalDbError).code).toBe('WRITE_CONFLICT');
      } finally {
        await backend.close();
      }
    });

    it('reads ranges in both directions with limits and inclusive bounds', async () => {
      const store = ctx.newStore();
      const backend = await store.openBackend();
      try {
        await backend.commit(
          writeOps([3, 1, 4, 5, 9, 2, 6].map((timestamp) => ({ type: 'insert' as const, table: 'changes' as const, row: { timestamp, id: `d${timestamp}`, specId: 'p' } }))),
        );
        const ts = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.timestamp);
        expect(ts(await backend.range({ table: 'changes', lower: [2, ''], upper: [5, '\ud7ff'] }))).toEqual([2, 3, 4, 5]);
        expect(ts(await backend.range({ table: 'changes', lower: [2, ''], upper: [5, '\ud7ff'], reverse: true, limit: 3 }))).toEqual([5, 4, 3]);
        expect(ts(await backend.range({ table: 'changes', lower: [-Infinity, ''], upper: [Infinity, '\ud7ff'], limit: 2 }))).toEqual([1, 2]);
        expect(ts(await backend.range({ table: 'changes', lower: [4, 'd4'], upper: [6, 'd6'] }))).toEqual([4, 5, 6]);
        expect(
          ts(await backend.range({ table: 'changes', index: 'bySpec', lower: ['p', 3, ''], upper: ['p', 6, '\ud7ff'], reverse: true })),
        ).toEqual([6, 5, 4, 3]);
      } finally {
        await backend.close();
      }
    });
  });
}
