import { describe, expect, it } from 'vitest';
import type { TemporalDb } from '../../src/index.js';
import { adr, DAY, expectError, T0, type ContractContext } from './context.js';
import { populateSample } from './sample-store.js';
import { exportTo, importFrom } from '../../src/interchange.js';

/** The contract on change log, input and keys. */
export function changesContract(ctx: ContractContext): void {
  describe('change log', () => {
    it('filters changes by spec, type and an inclusive time window, in time order', async () => {
      const { db } = await ctx.openStore();
      const a = await db.storeSpecification(adr('ADR-A', { timestamp: T0 }));
      const b = await db.storeSpecification(adr('ADR-B', { timestamp: T0 + DAY }));
      await db.storeSpecification(adr('ADR-A', { timestamp: T0 + 2 * DAY, status: 'accepted' }));
      await db.recordDecision({
        specId: b.id,
        decisionPoint: 'p',
        selectedOption: 'o',
        context: 'c',
        author: 'a',
        timestamp: T0 + 3 * DAY,
      });
      const all = await db.getChanges();
      expect(all.map((c) => [c.identifier, c.changeType])).toEqual([
        ['ADR-A', 'Create'],
        ['ADR-B', 'Create'],
        ['ADR-A', 'Update'],
        ['ADR-B', 'Decision'],
      ]);
      expect((await db.getChanges({ specId: a.specId })).map((c) => c.version)).toEqual([1, 2]);
      expect((await db.getChanges({ specId: a.id })).length).toBe(2);
      expect((await db.getChanges({ specId: '00000000-0000-7000-8000-000000000000' })).length).toBe(0);
      expect((await db.getChanges({ changeType: 'Create' })).map((c) => c.identifier)).toEqual(['ADR-A', 'ADR-B']);
      expect((await db.getChanges({ specId: b.specId, changeType: 'Decision' })).length).toBe(1);
      const window = await db.getChanges({ since: T0 + DAY, until: T0 + 2 * DAY });
      expect(window.map((c) => c.timestamp)).toEqual([T0 + DAY, T0 + 2 * DAY]);
      expect((await db.getChanges({ since: new Date(T0 + DAY).toISOString(), limit: 1 })).map((c) => c.identifier)).toEqual([
        'ADR-B',
      ]);
    });
  });

  describe('statistics and newest first', () => {
    it('counts what the store holds and reads the change log backwards', async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const { storage, ...counts } = await db.statistics();
      expect(counts).toEqual({
        specifications: 3,
        deletedSpecifications: 1,
        versions: 5,
        patterns: 1,
        patternVersions: 2,
        changes: 10,
        decisions: 5,
      });
      // Only IndexedDB in a browser with navigator.storage adds the origin's storage use (test/browser/storage.test.ts).
      if (storage) expect(storage).toEqual({ usage: expect.any(Number), quota: expect.any(Number), persisted: expect.any(Boolean) });
      const all = await db.getChanges();
      expect(await db.getChanges({ newestFirst: true })).toEqual([...all].reverse());
      expect(await db.getChanges({ newestFirst: true, limit: 2 })).toEqual([...all].reverse().slice(0, 2));
      const decisions = all.filter((c) => c.changeType === 'Decision');
      expect(await db.getChanges({ changeType: 'Decision', newestFirst: true, limit: 3 })).toEqual([...decisions].reverse().slice(0, 3));
    });
  });

  describe('imported records', () => {
    it('keeps records of other kinds as they came, once, in time order', async () => {
      const { db } = await ctx.openStore();
      const record = (id: string, timestamp: number) => ({
        kind: 'optimization_session',
        id,
        timestamp,
        source: `optimization_session_${timestamp}_${id}.json`,
        data: { id, steps: [1, 2] },
      });
      expect(await db.putImportedRecords([record('b', T0 + 2), record('a', T0 + 1)])).toBe(2);
      expect(await db.putImportedRecords([record('a', T0 + 1), record('c', T0 + 3)])).toBe(1);
      expect((await db.getImportedRecords({ kind: 'optimization_session' })).map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect((await db.getImportedRecords({ kind: 'optimization_session', since: T0 + 2 })).map((r) => r.id)).toEqual(['b', 'c']);
      expect(await db.getImportedRecords({ kind: 'prompt_analysis' })).toEqual([]);
      await expectError(db.putImportedRecords([{ ...record('d', T0), timestampNanos: '12.5' }]), 'INVALID_INPUT', [0, 'timestampNanos']);
    });

    it('orders ids of one instant in UTF-16 order on every engine, whatever characters they hold', async () => {
      const { db } = await ctx.openStore();
      // U+E000 sorts after a surrogate pair in UTF-16 but before it in UTF-8; '!' and ' ' are escaped by the key codec.
      const ids = ['\ue000', 'b', '\u{1F600}', 'a!', 'a', ' x', '\ue000\u{1F600}', '\uffff'];
      const records = ids.map((id) => ({ kind: 'k\ue000\u{1F600}', id, timestamp: T0, source: 's', data: { id } }));
      expect(await db.putImportedRecords(records)).toBe(ids.length);
      const expected = [...ids].sort();
      expect((await db.getImportedRecords({ kind: 'k\ue000\u{1F600}' })).map((r) => r.id)).toEqual(expected);
      // An export and a re-import keep them, in the same order.
      const lines: string[] = [];
      await exportTo(db, (line) => lines.push(line));
      const copy = await ctx.reopen(ctx.newStore());
      await importFrom(copy, new Blob(lines));
      expect((await copy.getImportedRecords({ kind: 'k\ue000\u{1F600}' })).map((r) => r.id)).toEqual(expected);
      expect(await db.putImportedRecords(records)).toBe(0);
    });
  });

  describe('change log paging', () => {
    it('filters by type across many chunks and stops at the limit', async () => {
      const { db } = await ctx.openStore();
      const specs = await db.storeSpecifications(
        Array.from({ length: 700 }, (_, i) => adr(`ADR-P${String(i).padStart(3, '0')}`, { timestamp: T0 + i * 10 })),
      );
      await db.recordDecisions(
        specs.map((spec, i) => ({
          specId: spec.specId,
          decisionPoint: 'p',
          selectedOption: 'o',
          context: '',
          author: 'a',
          timestamp: T0 + i * 10 + 5,
        })),
      );
      const decisions = await db.getChanges({ changeType: 'Decision' });
      expect(decisions.length).toBe(700);
      expect(decisions.every((c, i) => c.timestamp === T0 + i * 10 + 5)).toBe(true);
      const limited = await db.getChanges({ changeType: 'Create', limit: 600 });
      expect(limited.map((c) => c.timestamp)).toEqual(Array.from({ length: 600 }, (_, i) => T0 + i * 10));
      const windowed = await db.getChanges({ changeType: 'Create', since: T0 + 3000, until: T0 + 6000 });
      expect(windowed.length).toBe(301);
      const backwards = await db.getChanges({ changeType: 'Decision', newestFirst: true });
      expect(backwards.map((c) => c.timestamp)).toEqual(decisions.map((c) => c.timestamp).reverse());
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, (db: TemporalDb, specId: string) => Promise<unknown>, Array<string | number>]> = [
      ['a missing title', (db) => db.storeSpecification({ ...adr('X'), title: undefined } as never), ['title']],
      ['a wrong content type', (db) => db.storeSpecification({ ...adr('X'), content: 42 } as never), ['content']],
      ['an unknown spec type', (db) => db.storeSpecification({ ...adr('X'), specType: 'RFC' } as never), ['specType']],
      ['an unknown status', (db) => db.storeSpecification(adr('X', { status: 'done' }) as never), ['status']],
      ['a non-object metadata', (db) => db.storeSpecification(adr('X', { metadata: 'x' }) as never), ['metadata']],
      ['a NaN inside metadata', (db) => db.storeSpecification(adr('X', { metadata: { a: [1, NaN] } })), ['metadata', 'a', 1]],
      ['a tag that is not a string', (db) => db.storeSpecification(adr('X', { tags: ['ok', 3] }) as never), ['tags', 1]],
      ['an empty identifier', (db) => db.storeSpecification(adr('')), ['identifier']],
      ['a lone surrogate in the identifier', (db) => db.storeSpecification(adr('ADR-\ud800')), ['identifier']],
      ['a fractional timestamp', (db) => db.storeSpecification(adr('X', { timestamp: 1.5 })), ['timestamp']],
      ['an unparseable timestamp', (db) => db.storeSpecification(adr('X', { timestamp: 'yesterday' })), ['timestamp']],
      [
        'a NaN confidence',
        (db, specId) => db.recordDecision({ specId, decisionPoint: 'p', selectedOption: 'o', context: '', author: 'a', confidence: NaN }),
        ['confidence'],
      ],
      [
        'a confidence above 1',
        (db, specId) => db.recordDecision({ specId, decisionPoint: 'p', selectedOption: 'o', context: '', author: 'a', confidence: 1.2 }),
        ['confidence'],
      ],
      [
        'a decision without author',
        (db, specId) => db.recordDecision({ specId, decisionPoint: 'p', selectedOption: 'o', context: '' } as never),
        ['author'],
      ],
      ['an unknown pattern type', (db) => db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Cloud' } as never), ['patternType']],
      ['a success rate above 1', (db) => db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', successRate: 2 }), ['successRate']],
      ['a negative lookback', (db) => db.analyzeDecisionPatterns(-1), ['lookbackDays']],
      ['a threshold above 1', (db) => db.getSimilarPatterns('x', 1.5, 10), ['similarityThreshold']],
      ['both version and asOf', (db) => db.getSpecification('X', { version: 1, asOf: 1 } as never), ['query', 'asOf']],
      ['a zero limit', (db) => db.getChanges({ limit: 0 }), ['query', 'limit']],
      ['an unknown change type', (db) => db.getChanges({ changeType: 'Rename' } as never), ['query', 'changeType']],
    ];

    it.each(cases)('rejects %s with INVALID_INPUT and its path, writing nothing', async (_label, call, path) => {
      const { db } = await ctx.openStore();
      const spec = await db.storeSpecification(adr('ADR-KEEP'));
      const before = await db.getChanges();
      const error = await expectError(call(db, spec.specId), 'INVALID_INPUT', path);
      expect(error.message).toContain(path.join('.'));
      expect(await db.getChanges()).toEqual(before);
      expect((await db.listSpecifications()).map((s) => s.identifier)).toEqual(['ADR-KEEP']);
    });

    it('reports every problem of one input', async () => {
      const { db } = await ctx.openStore();
      const error = await expectError(db.storeSpecification({ specType: 'ADR' } as never), 'INVALID_INPUT');
      expect(error.issues.map((issue) => issue.path[0])).toEqual(['identifier', 'title', 'content']);
    });
  });

  describe('keys', () => {
    const identifiers = [
      'ADR-001',
      'adr:001',
      'ADR 001',
      'ADR-001:part two',
      'Ärchitektur',
      'ADR-😀-emoji',
      'ADR-\uffff',
      'ADR-\ue000-private',
      'ADR-𝔘nicode',
      'ADR-\u0001-control',
      'ADR-!',
      'ADR-',
      'ADR',
      '日本語の仕様',
      '\ud83d\ude00',
      '\ufb01-ligature',
    ];

    it('round-trips identifiers with colons, spaces, control and astral characters, in UTF-16 order', async () => {
      const { db } = await ctx.openStore();
      for (const identifier of identifiers) await db.storeSpecification(adr(identifier));
      const listed = (await db.listSpecifications()).map((s) => s.identifier);
      expect(listed).toEqual([...identifiers].sort());
      for (const identifier of identifiers) {
        expect((await db.getLatestSpecification('ADR', identifier))?.identifier).toBe(identifier);
      }
      expect(await db.getLatestSpecification('ADR', 'ADR-😀')).toBeUndefined();
    });
  });
}
