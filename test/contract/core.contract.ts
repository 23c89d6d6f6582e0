import { describe, expect, it } from 'vitest';
import { adr, DAY, expectError, T0, type ContractContext } from './context.js';

/** The contract on versions and reads. */
export function coreContract(ctx: ContractContext): void {
  describe('ported from the original crate', () => {
    it('opens and closes, and rejects calls after close', async () => {
      const { db } = await ctx.openStore();
      expect(db.closed).toBe(false);
      await db.close();
      expect(db.closed).toBe(true);
      await expectError(db.getLatestSpecification('ADR', 'ADR-001'), 'DATABASE_CLOSED');
      await expectError(db.storeSpecification(adr('ADR-001')), 'DATABASE_CLOSED');
    });

    it('stores ADR-001 and reads it back as latest', async () => {
      const { db } = await ctx.openStore();
      const stored = await db.storeSpecification({
        specType: 'ADR',
        identifier: 'ADR-001',
        title: 'Use Rust for Core Components',
        content: 'We will use Rust for performance-critical components.',
        author: 'test-author',
        status: 'accepted',
        tags: ['architecture', 'rust'],
        matrixIds: ['M-1'],
        templateVariables: { project: 'temporal-db' },
        metadata: { reviewed: true },
      });
      expect(stored.version).toBe(1);
      expect(stored.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(stored.timestamp).toBe(T0);
      const latest = await db.getLatestSpecification('ADR', 'ADR-001');
      expect(latest).toEqual(stored);
      expect(latest?.title).toBe('Use Rust for Core Components');
      expect(await db.getLatestSpecification('PRD', 'ADR-001')).toBeUndefined();
      expect(await db.getLatestSpecification('ADR', 'ADR-404')).toBeUndefined();
    });

    it('stores a Repository Pattern and finds it by similarity', async () => {
      const { db } = await ctx.openStore();
      const repository = await db.storeArchitecturalPattern({
        patternName: 'Repository Pattern',
        patternType: 'Application',
        patternDefinition: {
          intent: 'Mediates between the domain and data mapping layers using a collection-like interface',
        },
        examples: ['UserRepository hides SQL behind find and save', 'OrderRepository for aggregates'],
        successRate: 0.9,
      });
      await db.storeArchitecturalPattern({
        patternName: 'Circuit Breaker',
        patternType: 'Infrastructure',
        patternDefinition: { intent: 'Stop calling a failing remote service until it recovers' },
        examples: ['HTTP client trips after five timeouts'],
      });
      const matches = await db.getSimilarPatterns('a repository interface for data access to domain objects', 0.1, 30);
      expect(matches.map((m) => m.pattern.patternName)).toEqual(['Repository Pattern']);
      expect(matches[0]!.pattern).toEqual(repository);
      expect(matches[0]!.score).toBeGreaterThan(0.1);
      expect(matches[0]!.score).toBeLessThanOrEqual(1);
    });

    it('records a decision with confidence 0.85 and sees it in the analysis', async () => {
      const { db } = await ctx.openStore();
      const spec = await db.storeSpecification(adr('ADR-001'));
      const decision = await db.recordDecision({
        specId: spec.specId,
        decisionPoint: 'storage-engine',
        selectedOption: 'LMDB',
        context: 'embedded and read-heavy',
        author: 'ana',
        confidence: 0.85,
      });
      expect(decision.changeType).toBe('Decision');
      expect(decision.decision).toEqual({
        decisionPoint: 'storage-engine',
        selectedOption: 'LMDB',
        context: 'embedded and read-heavy',
        confidence: 0.85,
      });
      const analysis = await db.analyzeDecisionPatterns(30);
      expect(analysis).toEqual([
        {
          decisionPoint: 'storage-engine',
          specType: 'ADR',
          totalDecisions: 1,
          selectedCount: 1,
          contexts: ['embedded and read-heavy'],
          options: { LMDB: 1 },
          firstDecisionAt: T0,
          lastDecisionAt: T0,
        },
      ]);
    });
  });

  describe('versions', () => {
    it('gives 1,000 stores of one identifier in a tight loop versions 1..1000', async () => {
      const { db } = await ctx.openStore();
      for (let i = 0; i < 1000; i++) {
        ctx.now += 1;
        await db.storeSpecification(adr('ADR-LOOP', { content: `revision ${i}` }));
      }
      const history = await db.getSpecificationHistory('ADR-LOOP');
      expect(history.map((v) => v.version)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(history.map((v) => v.content)).toEqual(Array.from({ length: 1000 }, (_, i) => `revision ${i}`));
      expect(new Set(history.map((v) => v.id)).size).toBe(1000);
      expect(new Set(history.map((v) => v.specId)).size).toBe(1);
    });

    it('gives 100 concurrent stores versions 1..100 with no gap or duplicate', async () => {
      const { db } = await ctx.openStore();
      const stored = await Promise.all(
        Array.from({ length: 100 }, (_, i) => db.storeSpecification(adr('ADR-RACE', { content: `writer ${i}` }))),
      );
      expect(stored.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const history = await db.getSpecificationHistory('ADR-RACE');
      expect(history.map((v) => v.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const changes = await db.getChanges({ specId: history[0]!.specId });
      expect(changes.map((c) => c.changeType)).toEqual(['Create', ...Array<string>(99).fill('Update')]);
    });

    it('keeps versions unique when two handles on one store race', async () => {
      const { store, db } = await ctx.openStore();
      const other = await ctx.reopen(store);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? db : other).storeSpecification(adr('ADR-TABS', { content: `from ${i % 2 ? 'a' : 'b'} ${i}` })),
        ),
      );
      const history = await db.getSpecificationHistory('ADR-TABS');
      expect(history.map((v) => v.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(history.map((v) => v.content)).size).toBe(40);
    });

    it('keeps data across close and reopen', async () => {
      const { store, db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-001'));
      const v2 = await db.storeSpecification(adr('ADR-001', { status: 'accepted' }));
      const pattern = await db.storeArchitecturalPattern({ patternName: 'CQRS', patternType: 'Application' });
      await db.recordDecision({ specId: v2.id, decisionPoint: 'db', selectedOption: 'x', context: 'c', author: 'a' });
      await db.close();
      const again = await ctx.reopen(store);
      expect(await again.getLatestSpecification('ADR', 'ADR-001')).toEqual(v2);
      expect(await again.getArchitecturalPattern(pattern.id)).toEqual(pattern);
      expect((await again.getChanges()).map((c) => c.changeType)).toEqual(['Create', 'Update', 'Decision']);
      const v3 = await again.storeSpecification(adr('ADR-001', { status: 'deprecated' }));
      expect(v3.version).toBe(3);
    });

    it('records the SHA-256 of the content', async () => {
      const { db } = await ctx.openStore();
      const stored = await db.storeSpecification(adr('ADR-HASH', { content: 'abc' }));
      expect(stored.hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });

    it('writes Create, then Update with the changed fields and their old and new values', async () => {
      const { db } = await ctx.openStore();
      const v1 = await db.storeSpecification(adr('ADR-002', { status: 'proposed', tags: ['a'] }));
      ctx.now += DAY;
      await db.storeSpecification(adr('ADR-002', { status: 'accepted', tags: ['a', 'b'], author: undefined }));
      const changes = await db.getChanges({ specId: v1.specId });
      expect(changes.map((c) => [c.changeType, c.version])).toEqual([
        ['Create', 1],
        ['Update', 2],
      ]);
      expect(changes[0]!.fieldChanges).toEqual({});
      expect(changes[1]!.fieldChanges).toEqual({
        status: { oldValue: 'proposed', newValue: 'accepted' },
        tags: { oldValue: ['a'], newValue: ['a', 'b'] },
        author: { oldValue: 'ana' },
      });
      expect(changes[1]!.timestamp).toBe(T0 + DAY);
    });

    it('refuses a version earlier than the previous one and writes nothing', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-003', { timestamp: T0 }));
      await expectError(db.storeSpecification(adr('ADR-003', { timestamp: T0 - 1 })), 'OUT_OF_ORDER', ['timestamp']);
      expect((await db.getSpecificationHistory('ADR-003')).length).toBe(1);
      expect((await db.getChanges()).length).toBe(1);
      // An equal timestamp is not earlier.
      expect((await db.storeSpecification(adr('ADR-003', { timestamp: T0 }))).version).toBe(2);
    });

    it('refuses a version of another spec type for an existing identifier', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('SHARED-1'));
      await expectError(db.storeSpecification({ ...adr('SHARED-1'), specType: 'PRD' }), 'SPEC_TYPE_MISMATCH', ['specType']);
      expect((await db.getSpecificationHistory('SHARED-1')).length).toBe(1);
    });
  });

  describe('latest reads', () => {
    // Where the backend can tell its last commit cheaply, latest versions are served from a cache: these hold either way.
    it('see at once what another handle on the same store wrote, replaced or deleted, read again and again', async () => {
      const { store, db } = await ctx.openStore();
      const other = await ctx.reopen(store);
      await db.storeSpecification(adr('ADR-HOT', { content: 'one' }));
      for (let i = 0; i < 3; i++) expect((await db.getLatestSpecification('ADR', 'ADR-HOT'))?.content).toBe('one');
      expect(await db.getLatestSpecification('ADR', 'ADR-NONE')).toBeUndefined();

      await other.storeSpecification(adr('ADR-HOT', { content: 'two' }));
      await other.storeSpecification(adr('ADR-NONE', { content: 'now there' }));
      expect((await db.getLatestSpecification('ADR', 'ADR-HOT'))?.content).toBe('two');
      expect((await db.getSpecification('ADR-HOT'))?.version).toBe(2);
      expect((await db.getLatestSpecification('ADR', 'ADR-NONE'))?.content).toBe('now there');

      await other.deleteSpecification('ADR-HOT');
      expect(await db.getLatestSpecification('ADR', 'ADR-HOT')).toBeUndefined();
      expect(await db.getSpecification('ADR-HOT')).toBeUndefined();
      // The same handle's own writes, as soon as they resolve.
      await db.storeSpecification(adr('ADR-HOT', { content: 'three' }));
      expect((await db.getSpecification('ADR-HOT'))?.version).toBe(4);
      expect((await other.getSpecification('ADR-HOT'))?.content).toBe('three');
    });

    it('hand the caller its own copy: editing one changes no later read', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-020', { tags: ['a'], metadata: { owner: { name: 'ana' } } }));
      const first = (await db.getLatestSpecification('ADR', 'ADR-020'))!;
      first.title = 'edited';
      first.tags.push('b');
      (first.metadata.owner as { name: string }).name = 'bo';
      for (const read of [await db.getLatestSpecification('ADR', 'ADR-020'), await db.getSpecification('ADR-020')]) {
        expect(read).toMatchObject({ title: 'Title of ADR-020', tags: ['a'], metadata: { owner: { name: 'ana' } } });
        read!.tags.push('c');
      }
      expect((await db.getSpecification('ADR-020'))?.tags).toEqual(['a']);
    });

    it('of a type other than the stored one find nothing, from the cache too', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-021'));
      expect(await db.getLatestSpecification('ADR', 'ADR-021')).toBeDefined();
      expect(await db.getLatestSpecification('PRD', 'ADR-021')).toBeUndefined();
      expect(await db.getLatestSpecification('ADR', 'ADR-021')).toBeDefined();
    });
  });

  describe('bulk writes', () => {
    it('stores many versions in one call, consecutive per identifier, with their change records', async () => {
      const { db } = await ctx.openStore();
      const stored = await db.storeSpecifications([
        adr('ADR-1', { timestamp: T0 }),
        adr('ADR-2', { timestamp: T0 + 1 }),
        adr('ADR-1', { timestamp: T0 + 2, status: 'accepted' }),
      ]);
      expect(stored.map((s) => [s.identifier, s.version])).toEqual([
        ['ADR-1', 1],
        ['ADR-2', 1],
        ['ADR-1', 2],
      ]);
      expect((await db.getChanges()).map((c) => [c.identifier, c.changeType])).toEqual([
        ['ADR-1', 'Create'],
        ['ADR-2', 'Create'],
        ['ADR-1', 'Update'],
      ]);
      expect(await db.getLatestSpecification('ADR', 'ADR-1')).toEqual(stored[2]);
    });

    it('writes nothing when one input is invalid or out of order, and names its index', async () => {
      const { db } = await ctx.openStore();
      await expectError(
        db.storeSpecifications([adr('ADR-1'), adr('ADR-2'), { ...adr('ADR-3'), title: '' }]),
        'INVALID_INPUT',
        [2, 'title'],
      );
      await expectError(
        db.storeSpecifications([adr('ADR-1', { timestamp: T0 }), adr('ADR-1', { timestamp: T0 - 1 })]),
        'OUT_OF_ORDER',
        [1, 'timestamp'],
      );
      await expectError(db.storeSpecifications('nope' as never), 'INVALID_INPUT', ['inputs']);
      expect(await db.getChanges()).toEqual([]);
      expect(await db.listSpecifications()).toEqual([]);
    });

    it('records many decisions in one call, or none when one names an unknown specification', async () => {
      const { db } = await ctx.openStore();
      const spec = await db.storeSpecification(adr('ADR-D'));
      const decision = (selectedOption: string, specId = spec.specId) => ({
        specId,
        decisionPoint: 'queue',
        selectedOption,
        context: selectedOption,
        author: 'ana',
        confidence: 0.9,
      });
      await expectError(db.recordDecisions([decision('a'), decision('b', 'missing')]), 'NOT_FOUND', [1, 'specId']);
      await expectError(db.recordDecisions([decision('a'), { ...decision('b'), confidence: NaN }]), 'INVALID_INPUT', [
        1,
        'confidence',
      ]);
      expect(await db.analyzeDecisionPatterns(30)).toEqual([]);
      const recorded = await db.recordDecisions([decision('a'), decision('b'), decision('a', spec.id)]);
      expect(recorded.map((r) => r.changeType)).toEqual(['Decision', 'Decision', 'Decision']);
      const [analysis] = await db.analyzeDecisionPatterns(30);
      expect(analysis).toMatchObject({ decisionPoint: 'queue', totalDecisions: 3, selectedCount: 3, options: { a: 2, b: 1 } });
    });
  });

  describe('reading the past', () => {
    async function threeVersions() {
      const { db, store } = await ctx.openStore();
      const versions = [];
      for (const [i, status] of (['proposed', 'accepted', 'superseded'] as const).entries()) {
        versions.push(await db.storeSpecification(adr('ADR-010', { status, timestamp: T0 + i * 10 * DAY })));
      }
      return { db, store, versions };
    }

    it('returns the version current before, at, between and after versions', async () => {
      const { db, versions } = await threeVersions();
      const asOf = async (t: number) => (await db.getSpecification('ADR-010', { asOf: t }))?.version;
      expect(await asOf(T0 - 1)).toBeUndefined();
      expect(await asOf(T0)).toBe(1);
      expect(await asOf(T0 + 5 * DAY)).toBe(1);
      expect(await asOf(T0 + 10 * DAY - 1)).toBe(1);
      expect(await asOf(T0 + 10 * DAY)).toBe(2);
      expect(await asOf(T0 + 15 * DAY)).toBe(2);
      expect(await asOf(T0 + 20 * DAY)).toBe(3);
      expect(await asOf(T0 + 1000 * DAY)).toBe(3);
      expect(await db.getSpecification('ADR-010', { asOf: new Date(T0 + 12 * DAY) })).toEqual(versions[1]);
      expect(await db.getSpecification('ADR-010', { asOf: new Date(T0 + 12 * DAY).toISOString() })).toEqual(versions[1]);
      expect(await db.getSpecification('ADR-010', { version: 2 })).toEqual(versions[1]);
      expect(await db.getSpecification('ADR-010', { version: 4 })).toBeUndefined();
      expect(await db.getSpecification('ADR-010')).toEqual(versions[2]);
      expect(await db.getSpecificationHistory('ADR-010')).toEqual(versions);
    });

    it('picks the highest version among versions with the same timestamp', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-SAME', { timestamp: T0 }));
      await db.storeSpecification(adr('ADR-SAME', { timestamp: T0, title: 'second' }));
      expect((await db.getSpecification('ADR-SAME', { asOf: T0 }))?.title).toBe('second');
    });

    it('lists the current or as-of version of every identifier, by spec type', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-B', { timestamp: T0 }));
      await db.storeSpecification({ ...adr('PRD-A'), specType: 'PRD', timestamp: T0 + DAY });
      await db.storeSpecification(adr('ADR-A', { timestamp: T0 + 2 * DAY }));
      await db.storeSpecification(adr('ADR-B', { timestamp: T0 + 3 * DAY, title: 'B v2' }));
      const list = await db.listSpecifications();
      expect(list.map((s) => [s.identifier, s.version])).toEqual([
        ['ADR-A', 1],
        ['ADR-B', 2],
        ['PRD-A', 1],
      ]);
      expect((await db.listSpecifications({ specType: 'ADR' })).map((s) => s.identifier)).toEqual(['ADR-A', 'ADR-B']);
      const past = await db.listSpecifications({ asOf: T0 + DAY });
      expect(past.map((s) => [s.identifier, s.version])).toEqual([
        ['ADR-B', 1],
        ['PRD-A', 1],
      ]);
      expect((await db.listSpecifications({ specType: 'PRD', asOf: T0 })).length).toBe(0);
    });

    it('deletes with a tombstone that keeps history and earlier as-of reads', async () => {
      const { db } = await ctx.openStore();
      const v1 = await db.storeSpecification(adr('ADR-DEL', { timestamp: T0 }));
      ctx.now = T0 + DAY;
      const deletion = await db.deleteSpecification('ADR-DEL', { author: 'bo', reason: 'obsolete' });
      expect(deletion).toMatchObject({ changeType: 'Delete', version: 2, author: 'bo', reason: 'obsolete', timestamp: T0 + DAY });
      expect(await db.getLatestSpecification('ADR', 'ADR-DEL')).toBeUndefined();
      expect(await db.getSpecification('ADR-DEL')).toBeUndefined();
      expect(await db.getSpecification('ADR-DEL', { asOf: T0 + DAY })).toBeUndefined();
      expect(await db.getSpecification('ADR-DEL', { asOf: T0 + DAY - 1 })).toEqual(v1);
      expect(await db.getSpecificationHistory('ADR-DEL')).toEqual([v1]);
      expect(await db.listSpecifications()).toEqual([]);
      expect((await db.listSpecifications({ asOf: T0 })).map((s) => s.identifier)).toEqual(['ADR-DEL']);
      await expectError(db.deleteSpecification('ADR-DEL'), 'NOT_FOUND', ['identifier']);
      expect((await db.getChanges({ changeType: 'Delete' })).length).toBe(1);
      ctx.now = T0 + 2 * DAY;
      const back = await db.storeSpecification(adr('ADR-DEL'));
      expect(back.version).toBe(3);
      expect(back.specId).toBe(v1.specId);
      expect((await db.getChanges({ specId: v1.specId })).map((c) => c.changeType)).toEqual(['Create', 'Delete', 'Create']);
    });
  });
}
