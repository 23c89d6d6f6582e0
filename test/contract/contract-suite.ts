import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import type { CoreOptions } from '../../src/core/temporal-db.js';
import { TemporalDbError, type TemporalDb, type TemporalDbErrorCode } from '../../src/index.js';
import { populateSample, recordLines, SAMPLE_T0 } from './sample-store.js';

/** One store location; every `open` of it sees the same data. */
export interface StoreUnderTest {
  open(options?: CoreOptions): Promise<TemporalDb>;
  /** The raw backend on the same location, for engine-level guarantees. */
  openBackend(): Promise<Backend>;
  destroy(): Promise<void>;
}

export interface BackendUnderTest {
  name: string;
  newStore(): StoreUnderTest;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

async function expectError(promise: Promise<unknown>, code: TemporalDbErrorCode, path?: Array<string | number>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TemporalDbError);
  const typed = error as TemporalDbError;
  expect(typed.code).toBe(code);
  if (path) expect(typed.path).toEqual(path);
  return typed;
}

const adr = (identifier: string, extra: Record<string, unknown> = {}) => ({
  specType: 'ADR' as const,
  identifier,
  title: `Title of ${identifier}`,
  content: `Content of ${identifier}`,
  author: 'ana',
  ...extra,
});

/** The behaviour every backend must show; each backend file calls this with its own factory. */
export function runContractSuite(target: BackendUnderTest): void {
  describe(`temporal-db contract: ${target.name}`, () => {
    const stores: StoreUnderTest[] = [];
    const handles: TemporalDb[] = [];
    let now = T0;
    const clock = () => now;

    async function openStore(options: CoreOptions = { clock }) {
      const store = target.newStore();
      stores.push(store);
      const db = await store.open(options);
      handles.push(db);
      return { store, db };
    }

    async function reopen(store: StoreUnderTest) {
      const db = await store.open({ clock });
      handles.push(db);
      return db;
    }

    afterEach(async () => {
      for (const db of handles.splice(0)) await db.close();
      for (const store of stores.splice(0)) await store.destroy();
      now = T0;
    });

    describe('ported from the original crate', () => {
      it('opens and closes, and rejects calls after close', async () => {
        const { db } = await openStore();
        expect(db.closed).toBe(false);
        await db.close();
        expect(db.closed).toBe(true);
        await expectError(db.getLatestSpecification('ADR', 'ADR-001'), 'DATABASE_CLOSED');
        await expectError(db.storeSpecification(adr('ADR-001')), 'DATABASE_CLOSED');
      });

      it('stores ADR-001 and reads it back as latest', async () => {
        const { db } = await openStore();
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
        const { db } = await openStore();
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
        const { db } = await openStore();
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
        const { db } = await openStore();
        for (let i = 0; i < 1000; i++) {
          now += 1;
          await db.storeSpecification(adr('ADR-LOOP', { content: `revision ${i}` }));
        }
        const history = await db.getSpecificationHistory('ADR-LOOP');
        expect(history.map((v) => v.version)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
        expect(history.map((v) => v.content)).toEqual(Array.from({ length: 1000 }, (_, i) => `revision ${i}`));
        expect(new Set(history.map((v) => v.id)).size).toBe(1000);
        expect(new Set(history.map((v) => v.specId)).size).toBe(1);
      });

      it('gives 100 concurrent stores versions 1..100 with no gap or duplicate', async () => {
        const { db } = await openStore();
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
        const { store, db } = await openStore();
        const other = await reopen(store);
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
        const { store, db } = await openStore();
        await db.storeSpecification(adr('ADR-001'));
        const v2 = await db.storeSpecification(adr('ADR-001', { status: 'accepted' }));
        const pattern = await db.storeArchitecturalPattern({ patternName: 'CQRS', patternType: 'Application' });
        await db.recordDecision({ specId: v2.id, decisionPoint: 'db', selectedOption: 'x', context: 'c', author: 'a' });
        await db.close();
        const again = await reopen(store);
        expect(await again.getLatestSpecification('ADR', 'ADR-001')).toEqual(v2);
        expect(await again.getArchitecturalPattern(pattern.id)).toEqual(pattern);
        expect((await again.getChanges()).map((c) => c.changeType)).toEqual(['Create', 'Update', 'Decision']);
        const v3 = await again.storeSpecification(adr('ADR-001', { status: 'deprecated' }));
        expect(v3.version).toBe(3);
      });

      it('records the SHA-256 of the content', async () => {
        const { db } = await openStore();
        const stored = await db.storeSpecification(adr('ADR-HASH', { content: 'abc' }));
        expect(stored.hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      });

      it('writes Create, then Update with the changed fields and their old and new values', async () => {
        const { db } = await openStore();
        const v1 = await db.storeSpecification(adr('ADR-002', { status: 'proposed', tags: ['a'] }));
        now += DAY;
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
        const { db } = await openStore();
        await db.storeSpecification(adr('ADR-003', { timestamp: T0 }));
        await expectError(db.storeSpecification(adr('ADR-003', { timestamp: T0 - 1 })), 'OUT_OF_ORDER', ['timestamp']);
        expect((await db.getSpecificationHistory('ADR-003')).length).toBe(1);
        expect((await db.getChanges()).length).toBe(1);
        // An equal timestamp is not earlier.
        expect((await db.storeSpecification(adr('ADR-003', { timestamp: T0 }))).version).toBe(2);
      });

      it('refuses a version of another spec type for an existing identifier', async () => {
        const { db } = await openStore();
        await db.storeSpecification(adr('SHARED-1'));
        await expectError(db.storeSpecification({ ...adr('SHARED-1'), specType: 'PRD' }), 'SPEC_TYPE_MISMATCH', ['specType']);
        expect((await db.getSpecificationHistory('SHARED-1')).length).toBe(1);
      });
    });

    describe('bulk writes', () => {
      it('stores many versions in one call, consecutive per identifier, with their change records', async () => {
        const { db } = await openStore();
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
        const { db } = await openStore();
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
        const { db } = await openStore();
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
        const { db, store } = await openStore();
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
        const { db } = await openStore();
        await db.storeSpecification(adr('ADR-SAME', { timestamp: T0 }));
        await db.storeSpecification(adr('ADR-SAME', { timestamp: T0, title: 'second' }));
        expect((await db.getSpecification('ADR-SAME', { asOf: T0 }))?.title).toBe('second');
      });

      it('lists the current or as-of version of every identifier, by spec type', async () => {
        const { db } = await openStore();
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
        const { db } = await openStore();
        const v1 = await db.storeSpecification(adr('ADR-DEL', { timestamp: T0 }));
        now = T0 + DAY;
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
        now = T0 + 2 * DAY;
        const back = await db.storeSpecification(adr('ADR-DEL'));
        expect(back.version).toBe(3);
        expect(back.specId).toBe(v1.specId);
        expect((await db.getChanges({ specId: v1.specId })).map((c) => c.changeType)).toEqual(['Create', 'Delete', 'Create']);
      });
    });

    describe('change log', () => {
      it('filters changes by spec, type and an inclusive time window, in time order', async () => {
        const { db } = await openStore();
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
        const { db } = await openStore();
        await populateSample(db);
        expect(await db.statistics()).toEqual({
          specifications: 3,
          deletedSpecifications: 1,
          versions: 5,
          patterns: 1,
          patternVersions: 2,
          changes: 10,
          decisions: 5,
        });
        const all = await db.getChanges();
        expect(await db.getChanges({ newestFirst: true })).toEqual([...all].reverse());
        expect(await db.getChanges({ newestFirst: true, limit: 2 })).toEqual([...all].reverse().slice(0, 2));
        const decisions = all.filter((c) => c.changeType === 'Decision');
        expect(await db.getChanges({ changeType: 'Decision', newestFirst: true, limit: 3 })).toEqual([...decisions].reverse().slice(0, 3));
      });
    });

    describe('imported records', () => {
      it('keeps records of other kinds as they came, once, in time order', async () => {
        const { db } = await openStore();
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
    });

    describe('change log paging', () => {
      it('filters by type across many chunks and stops at the limit', async () => {
        const { db } = await openStore();
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

    describe('patterns', () => {
      it('versions patterns and counts uses', async () => {
        const { db } = await openStore();
        const p1 = await db.storeArchitecturalPattern({ patternName: 'Event Sourcing', patternType: 'Domain', successRate: 0.5 });
        now += DAY;
        const used = await db.recordPatternUse(p1.id);
        expect(used).toMatchObject({ id: p1.id, version: 2, usageFrequency: 1, lastUsed: T0 + DAY, createdAt: T0 });
        now += DAY;
        const p3 = await db.storeArchitecturalPattern({ id: p1.id, patternName: 'Event Sourcing', patternType: 'Domain', successRate: 0.8 });
        expect(p3).toMatchObject({ version: 3, usageFrequency: 1, lastUsed: T0 + DAY, successRate: 0.8 });
        expect((await db.getPatternHistory(p1.id)).map((p) => p.version)).toEqual([1, 2, 3]);
        expect((await db.getArchitecturalPattern(p1.id, { asOf: T0 + DAY }))?.version).toBe(2);
        expect(await db.getArchitecturalPattern(p1.id, { asOf: T0 - 1 })).toBeUndefined();
        await expectError(db.recordPatternUse('01890000-0000-7000-8000-000000000000'), 'NOT_FOUND', ['id']);
      });

      it('ranks by similarity, applies the threshold and the lookback window', async () => {
        const { db } = await openStore();
        const make = (patternName: string, intent: string) =>
          db.storeArchitecturalPattern({ patternName, patternType: 'Infrastructure', patternDefinition: { intent } });
        const old = await make('Message Queue', 'asynchronous messages between services through a durable queue');
        now += 40 * DAY;
        await make('Event Bus', 'services publish events on a bus; subscribers react to messages');
        await make('Cache Aside', 'read through a cache in front of a slow database');
        const context = 'services exchange asynchronous messages';
        const recent = await db.getSimilarPatterns(context, 0.05, 30);
        expect(recent.map((m) => m.pattern.patternName)).toEqual(['Event Bus']);
        const wide = await db.getSimilarPatterns(context, 0.05, 60);
        expect(wide.map((m) => m.pattern.patternName)).toEqual(['Message Queue', 'Event Bus']);
        expect(wide[0]!.score).toBeGreaterThan(wide[1]!.score);
        expect(await db.getSimilarPatterns(context, 0.99, 60)).toEqual([]);
        // A use brings an old pattern back into the window.
        await db.recordPatternUse(old.id);
        expect((await db.getSimilarPatterns(context, 0.05, 30)).map((m) => m.pattern.patternName)).toEqual([
          'Message Queue',
          'Event Bus',
        ]);
      });
    });

    describe('decision analysis', () => {
      it('counts only decisions inside the lookback window, per decision point', async () => {
        const { db } = await openStore();
        const spec = await db.storeSpecification(adr('ADR-DEC', { timestamp: T0 - 100 * DAY }));
        const decide = (decisionPoint: string, confidence: number, daysAgo: number, context = 'ctx') =>
          db.recordDecision({
            specId: spec.specId,
            decisionPoint,
            selectedOption: confidence > 0.5 ? 'yes' : 'no',
            context,
            author: 'ana',
            confidence,
            timestamp: T0 - daysAgo * DAY,
          });
        await decide('cache', 0.9, 60, 'too old');
        await decide('cache', 0.9, 20, 'first');
        await decide('cache', 0.7, 10, 'second');
        await decide('cache', 0.71, 5, 'first');
        await decide('queue', 0.2, 1);
        const analysis = await db.analyzeDecisionPatterns(30);
        expect(analysis.map((a) => [a.decisionPoint, a.totalDecisions, a.selectedCount])).toEqual([
          ['cache', 3, 2],
          ['queue', 1, 0],
        ]);
        expect(analysis[0]!.contexts).toEqual(['first', 'second']);
        expect(analysis[0]!.options).toEqual({ yes: 3 });
        expect((await db.analyzeDecisionPatterns(90))[0]!.totalDecisions).toBe(4);
        expect(await db.analyzeDecisionPatterns(0.5)).toEqual([]);
      });

      it('agrees with a brute-force count over random windows, edges of days included', async () => {
        const { db } = await openStore();
        const specs = [
          await db.storeSpecification(adr('ADR-R1', { timestamp: T0 - 200 * DAY })),
          await db.storeSpecification({ ...adr('PRD-R2'), specType: 'PRD', timestamp: T0 - 200 * DAY }),
        ];
        let seed = 17;
        const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        const inputs = Array.from({ length: 400 }, (_, i) => ({
          spec: specs[Math.floor(random() * 2)]!,
          decisionPoint: ['cache', 'queue', 'store'][Math.floor(random() * 3)]!,
          selectedOption: ['a', 'b', 'c'][Math.floor(random() * 3)]!,
          context: `context ${Math.floor(random() * 25)}`,
          confidence: Math.round(random() * 100) / 100,
          // Unique instants over 90 days, many of them close to midnight.
          timestamp: T0 - 90 * DAY + i * Math.floor((90 * DAY) / 400) + (i % 3 === 0 ? DAY - 1 - i : i),
        }));
        await db.recordDecisions(
          inputs.map(({ spec, ...d }) => ({ ...d, specId: spec.specId, author: 'ana' })),
        );
        const expected = (end: number, days: number) => {
          const inWindow = inputs.filter((d) => d.timestamp >= end - days * DAY && d.timestamp <= end);
          const points = [...new Set(inWindow.map((d) => d.decisionPoint))];
          return points
            .map((decisionPoint) => {
              const ds = inWindow.filter((d) => d.decisionPoint === decisionPoint);
              const newestFirst = [...ds].sort((a, b) => b.timestamp - a.timestamp);
              const counts = (key: (d: (typeof ds)[number]) => string) => {
                const map = new Map<string, number>();
                for (const d of ds) map.set(key(d), (map.get(key(d)) ?? 0) + 1);
                return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
              };
              return {
                decisionPoint,
                specType: counts((d) => d.spec.specType)[0]![0],
                totalDecisions: ds.length,
                selectedCount: ds.filter((d) => d.confidence > 0.7).length,
                contexts: [...new Set(newestFirst.map((d) => d.context))],
                options: Object.fromEntries(counts((d) => d.selectedOption)),
                firstDecisionAt: Math.min(...ds.map((d) => d.timestamp)),
                lastDecisionAt: Math.max(...ds.map((d) => d.timestamp)),
              };
            })
            .sort((a, b) => b.totalDecisions - a.totalDecisions || (a.decisionPoint < b.decisionPoint ? -1 : 1));
        };
        for (let i = 0; i < 25; i++) {
          now = T0 - Math.floor(random() * 60 * DAY);
          const days = [0.25, 1, 1.5, 2, 7, 30, 45][i % 7]!;
          expect(await db.analyzeDecisionPatterns(days), `window of ${days} days ending ${now}`).toEqual(expected(now, days));
        }
      });

      it('refuses a decision on an unknown specification', async () => {
        const { db } = await openStore();
        await expectError(
          db.recordDecision({ specId: 'nope', decisionPoint: 'p', selectedOption: 'o', context: '', author: 'a' }),
          'NOT_FOUND',
          ['specId'],
        );
      });
    });

    describe('decision points', () => {
      const options = (selected: string[]) =>
        ['LMDB', 'SQLite', 'RocksDB'].map((optionName) => ({
          optionName,
          pros: [`${optionName} pro`],
          cons: [`${optionName} con`],
          selected: selected.includes(optionName),
          ...(selected.includes(optionName) ? { selectionRationale: 'reads dominate' } : {}),
        }));

      it('stores options, records a Decision for the selected one, and reads back by spec, by name and as of', async () => {
        const { db } = await openStore();
        const a = await db.storeSpecification(adr('ADR-A', { timestamp: T0 - 10 * DAY }));
        await db.storeSpecification(adr('ADR-B', { timestamp: T0 - 10 * DAY }));
        const first = await db.storeDecisionPoint({
          identifier: 'ADR-A',
          decisionPoint: 'storage-engine',
          context: 'embedded',
          options: options(['LMDB']),
          author: 'ana',
          confidence: 0.9,
          timestamp: T0 - 5 * DAY,
        });
        expect(first).toMatchObject({ specId: a.specId, identifier: 'ADR-A', decisionPoint: 'storage-engine', author: 'ana' });
        expect(first.options[0]).toEqual({ optionName: 'LMDB', pros: ['LMDB pro'], cons: ['LMDB con'], selected: true, selectionRationale: 'reads dominate' });
        const revised = await db.storeDecisionPoint({
          specificationId: a.id,
          decisionPoint: 'storage-engine',
          context: 'embedded, now with reporting',
          options: options(['SQLite']),
          timestamp: T0 - 2 * DAY,
        });
        await db.storeDecisionPoint({ identifier: 'ADR-B', decisionPoint: 'storage-engine', context: 'cache', options: options([]), timestamp: T0 - 3 * DAY });
        await db.storeDecisionPoint({ identifier: 'ADR-A', decisionPoint: 'queue', context: 'events', options: options(['RocksDB']), timestamp: T0 - 1 * DAY });

        expect((await db.getDecisionPoints({ identifier: 'ADR-A' })).map((p) => [p.decisionPoint, p.context])).toEqual([
          ['storage-engine', 'embedded, now with reporting'],
          ['queue', 'events'],
        ]);
        expect((await db.getDecisionPoints({ specId: a.specId, asOf: T0 - 4 * DAY })).map((p) => p.id)).toEqual([first.id]);
        expect((await db.getDecisionPoints({ decisionPoint: 'storage-engine' })).map((p) => [p.identifier, p.id])).toEqual([
          ['ADR-B', expect.any(String)],
          ['ADR-A', revised.id],
        ]);
        expect((await db.getDecisionPoints({ decisionPoint: 'storage-engine', asOf: T0 - 4 * DAY })).map((p) => p.id)).toEqual([first.id]);
        const [analysis] = await db.analyzeDecisionPatterns(30);
        expect(analysis).toMatchObject({ decisionPoint: 'storage-engine', totalDecisions: 2, options: { LMDB: 1, SQLite: 1 } });
        expect((await db.getChanges({ specId: a.specId, changeType: 'Decision' })).map((c) => c.decision?.selectedOption)).toEqual([
          'LMDB',
          'SQLite',
          'RocksDB',
        ]);
      });

      it('refuses two selected options unless allowed, unknown specifications and duplicate options, writing nothing', async () => {
        const { db } = await openStore();
        await db.storeSpecification(adr('ADR-A'));
        const input = { identifier: 'ADR-A', decisionPoint: 'p', context: 'c', options: options(['LMDB', 'SQLite']) };
        await expectError(db.storeDecisionPoint(input), 'INVALID_INPUT', ['options']);
        await expectError(db.storeDecisionPoint({ ...input, options: options(['LMDB']), identifier: 'ADR-404' }), 'NOT_FOUND', ['identifier']);
        await expectError(db.storeDecisionPoint({ ...input, identifier: undefined }), 'INVALID_INPUT', ['specificationId']);
        await expectError(
          db.storeDecisionPoint({ ...input, options: [{ optionName: 'x' }, { optionName: 'x' }] }),
          'INVALID_INPUT',
          ['options', 1, 'optionName'],
        );
        await expectError(db.storeDecisionPoint({ ...input, options: [] }), 'INVALID_INPUT', ['options']);
        expect(await db.getDecisionPoints({ identifier: 'ADR-A' })).toEqual([]);
        expect(await db.analyzeDecisionPatterns(30)).toEqual([]);
        const both = await db.storeDecisionPoint({ ...input, allowMultipleSelected: true });
        expect(both.options.filter((o) => o.selected).length).toBe(2);
        expect((await db.analyzeDecisionPatterns(30))[0]!.totalDecisions).toBe(2);
      });
    });

    describe('recommendations', () => {
      /** `selected` decisions with confidence 0.9 and `others` with 0.3 at one decision point. */
      async function history(db: TemporalDb, decisionPoint: string, selected: number, others: number, context = 'steady load') {
        const spec = (await db.getLatestSpecification('ADR', 'ADR-R')) ?? (await db.storeSpecification(adr('ADR-R', { timestamp: T0 - 400 * DAY })));
        await db.recordDecisions(
          Array.from({ length: selected + others }, (_, i) => ({
            specId: spec.specId,
            decisionPoint,
            selectedOption: i < selected ? 'yes' : 'no',
            context: `${context} ${i % 4}`,
            author: 'ana',
            confidence: i < selected ? 0.9 : 0.3,
            timestamp: T0 - (i + 1) * 3_600_000,
          })),
        );
      }

      it('follows the original recognizer: confidence, clamping, pattern choice, rationale and expiry', async () => {
        const { db } = await openStore();
        await db.storeArchitecturalPattern({
          patternName: 'Message Queue',
          patternType: 'Infrastructure',
          patternDefinition: { intent: 'asynchronous messaging between services through a durable queue' },
          successRate: 0.6,
        });
        const broker = await db.storeArchitecturalPattern({
          patternName: 'Message Broker',
          patternType: 'Infrastructure',
          patternDefinition: { intent: 'asynchronous messaging routed by a broker' },
          successRate: 0.9,
        });
        const canonical = await db.storeArchitecturalPattern({
          patternName: 'Read Replica',
          patternType: 'Infrastructure',
          metadata: { canonicalDecisionPoint: 'db-scaling' },
        });
        const named = await db.storeArchitecturalPattern({ patternName: 'Feature Flag Rollout', patternType: 'Application' });
        await history(db, 'asynchronous-messaging', 3, 1);
        await history(db, 'db-scaling', 2, 0);
        await history(db, 'feature-flag', 1, 0);
        await history(db, 'retry-policy', 9, 1);
        await history(db, 'logging', 1, 3);

        const { recommendations, regenerated, retentionDeleted } = await db.generateRecommendations();
        expect(regenerated).toBe(4);
        expect(retentionDeleted).toBe(0);
        const byPoint = Object.fromEntries(recommendations.map((r) => [r.decisionPoint, r]));
        expect(Object.keys(byPoint).sort()).toEqual(['asynchronous-messaging', 'db-scaling', 'feature-flag', 'retry-policy']);
        // 3/4 selected; the most successful similar pattern wins over the closer one.
        expect(byPoint['asynchronous-messaging']).toMatchObject({ patternName: 'Message Broker', patternId: broker.id, confidence: 0.75, provenance: 'ADR' });
        expect(byPoint['asynchronous-messaging']!.rationale).toMatch(/^Observed 3\/4 historical decisions favouring Message Broker/);
        expect(byPoint['asynchronous-messaging']!.rationale).toMatch(/Estimated confidence 0\.75\..*Representative contexts: .*Known success rate 0\.90\./);
        expect(byPoint['asynchronous-messaging']!.metadata).toMatchObject({ totalDecisions: 4, selectedCount: 3 });
        expect(byPoint['asynchronous-messaging']!.metadata.topContexts).toHaveLength(3);
        // 2/2 and 1/1 clamp to 0.98; 9/10 stays 0.9; 1/4 is under the minimum.
        expect(byPoint['db-scaling']).toMatchObject({ patternId: canonical.id, confidence: 0.98 });
        expect(byPoint['feature-flag']).toMatchObject({ patternId: named.id, confidence: 0.98 });
        expect(byPoint['retry-policy']).toMatchObject({ patternName: 'Retry Policy Pattern', confidence: 0.9 });
        expect(byPoint['retry-policy']!.patternId).toBeUndefined();
        expect(recommendations.every((r) => r.expiresAt === T0 + 90 * DAY && r.createdAt === T0)).toBe(true);
        expect(recommendations.map((r) => r.confidence)).toEqual([...recommendations.map((r) => r.confidence)].sort((x, y) => y - x));
        expect(await db.getPatternRecommendations({ limit: 10 })).toHaveLength(4);

        // The minimum is clamped to [0.3, 0.95]: 0.1 acts as 0.3 (1/4 = 0.25 still out), 1 acts as 0.95.
        expect((await db.generateRecommendations({ dryRun: true, minimumConfidence: 0.1 })).recommendations.map((r) => r.decisionPoint)).not.toContain('logging');
        expect((await db.generateRecommendations({ dryRun: true, minimumConfidence: 1 })).recommendations.map((r) => r.decisionPoint).sort()).toEqual([
          'db-scaling',
          'feature-flag',
        ]);
        expect((await db.generateRecommendations({ dryRun: true, maxRecommendations: 2 })).recommendations).toHaveLength(2);
      });

      it('writes nothing on a dry run, purges past the retention, and never returns expired ones', async () => {
        const { db } = await openStore();
        await history(db, 'caching', 4, 0);
        const before = await db.statistics();
        const dry = await db.generateRecommendations({ dryRun: true });
        expect(dry).toMatchObject({ regenerated: 0, retentionDeleted: 0 });
        expect(dry.recommendations).toHaveLength(1);
        expect(await db.getPatternRecommendations()).toEqual([]);
        expect(await db.statistics()).toEqual(before);

        await db.generateRecommendations({ retentionDays: 10 });
        expect(await db.getPatternRecommendations()).toHaveLength(1);
        now = T0 + 11 * DAY;
        expect(await db.getPatternRecommendations()).toEqual([]);
        await history(db, 'caching', 4, 0);
        const later = await db.generateRecommendations({ retentionDays: 10, lookbackDays: 60 });
        expect(later).toMatchObject({ regenerated: 1, retentionDeleted: 1 });
        expect((await db.getPatternRecommendations()).map((r) => r.id)).toEqual([later.recommendations[0]!.id]);
      });

      it('keeps feedback, skips dismissed ones within the retention, raises success on accept, survives reopen', async () => {
        const { db, store } = await openStore();
        const pattern = await db.storeArchitecturalPattern({
          patternName: 'Circuit Breaker',
          patternType: 'Infrastructure',
          patternDefinition: { intent: 'stop calling a failing remote service' },
          successRate: 0.5,
        });
        await history(db, 'remote-service-failures', 4, 0, 'failing remote service');
        const [first] = (await db.generateRecommendations()).recommendations;
        expect(first).toMatchObject({ patternId: pattern.id });
        await expectError(db.recordRecommendationFeedback('0190aaaa-0000-7000-8000-000000000000', 'accept'), 'NOT_FOUND', ['id']);
        await expectError(db.recordRecommendationFeedback(first!.id, 'maybe' as never), 'INVALID_INPUT', ['action']);
        now = T0 + DAY;
        const accepted = await db.recordRecommendationFeedback(first!.id, 'accept', 'worked for payments');
        expect(accepted.feedback).toEqual([{ action: 'accept', reason: 'worked for payments', at: T0 + DAY }]);
        expect((await db.getArchitecturalPattern(pattern.id))!.successRate).toBeCloseTo(0.55, 10);
        now = T0 + 2 * DAY;
        const dismissed = await db.recordRecommendationFeedback(first!.id, 'dismiss', 'moved to a queue');
        expect(dismissed.feedback.map((f) => f.action)).toEqual(['accept', 'dismiss']);
        expect((await db.generateRecommendations()).recommendations).toEqual([]);
        now = T0 + 100 * DAY;
        await history(db, 'remote-service-failures', 4, 0, 'failing remote service');
        now = T0 + 101 * DAY;
        expect((await db.generateRecommendations({ lookbackDays: 200 })).recommendations).toHaveLength(1);

        await db.close();
        const again = await reopen(store);
        const kept = await again.getPatternRecommendations({ limit: 5 });
        expect(kept).toHaveLength(1);
        expect(kept[0]!.patternName).toBe('Circuit Breaker');
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
        const { db } = await openStore();
        const spec = await db.storeSpecification(adr('ADR-KEEP'));
        const before = await db.getChanges();
        const error = await expectError(call(db, spec.specId), 'INVALID_INPUT', path);
        expect(error.message).toContain(path.join('.'));
        expect(await db.getChanges()).toEqual(before);
        expect((await db.listSpecifications()).map((s) => s.identifier)).toEqual(['ADR-KEEP']);
      });

      it('reports every problem of one input', async () => {
        const { db } = await openStore();
        const error = await expectError(db.storeSpecification({ specType: 'ADR' } as never), 'INVALID_INPUT');
        expect(error.issues.map((issue) => issue.path[0])).toEqual(['identifier', 'title', 'content']);
      });
    });

    describe('export and import', () => {
      const collect = async (db: TemporalDb) => {
        const lines: string[] = [];
        for await (const line of db.exportLines()) lines.push(line);
        return lines;
      };
      const blobOf = (lines: string[]) => new Blob(lines);

      it('round-trips a store: the same record lines, the same reads', async () => {
        const { db } = await openStore();
        await populateSample(db);
        const lines = await collect(db);
        const header = JSON.parse(lines[0]!);
        expect(header).toMatchObject({ format: 'temporal-db', formatVersion: 1, counts: { specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 } });
        expect(lines.slice(1).map((l) => JSON.parse(l).table)).toEqual([
          ...Array<string>(5).fill('specifications'),
          'patterns',
          'patterns',
          ...Array<string>(10).fill('changes'),
          'importedRecords',
        ]);
        const { db: copy } = await openStore();
        const result = await copy.importFrom(blobOf(lines));
        expect(result.added).toEqual({ specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 });
        expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
        now = SAMPLE_T0 + 10 * DAY;
        expect(await copy.listSpecifications()).toEqual(await db.listSpecifications());
        expect(await copy.getSpecification('PRD:7', { asOf: SAMPLE_T0 + 2 * DAY })).toEqual(
          await db.getSpecification('PRD:7', { asOf: SAMPLE_T0 + 2 * DAY }),
        );
        expect(await copy.analyzeDecisionPatterns(30)).toEqual(await db.analyzeDecisionPatterns(30));
        expect(await copy.getSimilarPatterns('repository data access', 0.1, 30)).toEqual(
          await db.getSimilarPatterns('repository data access', 0.1, 30),
        );
        // Writes continue where the imported history ends.
        expect((await copy.storeSpecification(adr('ADR-001', { title: 'First' }))).version).toBe(3);
      });

      it('adds nothing when the same export is imported twice', async () => {
        const { db } = await openStore();
        await populateSample(db);
        const lines = await collect(db);
        const { db: copy } = await openStore();
        await copy.importFrom(blobOf(lines));
        const again = await copy.importFrom(() => (async function* () { yield* lines; })());
        expect(again.added).toEqual({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
        expect(again.skipped).toEqual({ specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 });
        expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
        // The source itself: an export imported into the store it came from adds nothing either.
        expect((await db.importFrom(blobOf(lines))).added).toEqual({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
      });

      it('rejects a bad line with its number and field path, and writes nothing', async () => {
        const { db } = await openStore();
        await populateSample(db);
        const lines = await collect(db);
        const { db: target } = await openStore();
        const spec = JSON.parse(lines[1]!);
        const bad: Array<[string, string[], Array<string | number>]> = [
          ['not JSON', [lines[0]!, lines[1]!, '{"table": "specifications", ', ...lines.slice(3)], ['line', 3]],
          ['an unknown table', [lines[0]!, '{"table":"users","record":{}}\n', ...lines.slice(2)], ['line', 2, 'table']],
          [
            'a record failing its schema',
            [lines[0]!, JSON.stringify({ ...spec, record: { ...spec.record, version: 'two' } }) + '\n', ...lines.slice(2)],
            ['line', 2, 'record', 'version'],
          ],
          [
            'an unknown format version',
            [JSON.stringify({ ...JSON.parse(lines[0]!), formatVersion: 99 }) + '\n', ...lines.slice(1)],
            ['line', 1, 'formatVersion'],
          ],
          ['a header whose counts are wrong', lines.slice(0, -1), ['line', 1, 'counts', 'importedRecords']],
          ['an empty input', [], ['line', 1]],
        ];
        for (const [label, input, path] of bad) {
          const error = await expectError(target.importFrom(blobOf(input)), 'INVALID_INPUT');
          expect(error.path, label).toEqual(path);
          expect(error.message).toMatch(/^Line \d+/);
        }
        expect(recordLines(await collect(target))).toEqual([]);
        // A record that clashes with what the store holds is refused before anything is written.
        await target.storeSpecification(adr('ADR-001'));
        const before = await collect(target);
        await expectError(target.importFrom(blobOf(lines)), 'INVALID_INPUT');
        expect(recordLines(await collect(target))).toEqual(recordLines(before));
      });

      it('streams the export as bytes and to a callback, line for line the same', async () => {
        const { db } = await openStore();
        await populateSample(db);
        const lines = await collect(db);
        const text = await new Response(db.exportStream()).text();
        expect(recordLines(text.split(/(?<=\n)/))).toEqual(recordLines(lines));
        const seen: string[] = [];
        await db.exportTo((line) => seen.push(line));
        expect(recordLines(seen)).toEqual(recordLines(lines));
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
        const { db } = await openStore();
        for (const identifier of identifiers) await db.storeSpecification(adr(identifier));
        const listed = (await db.listSpecifications()).map((s) => s.identifier);
        expect(listed).toEqual([...identifiers].sort());
        for (const identifier of identifiers) {
          expect((await db.getLatestSpecification('ADR', identifier))?.identifier).toBe(identifier);
        }
        expect(await db.getLatestSpecification('ADR', 'ADR-😀')).toBeUndefined();
      });
    });

    describe('backend', () => {
      it('commits a batch atomically: a conflicting insert leaves nothing behind', async () => {
        const store = target.newStore();
        stores.push(store);
        const backend = await store.openBackend();
        try {
          await backend.commit([{ type: 'insert', table: 'meta', row: { name: 'taken', value: 1 } }]);
          const error = await backend
            .commit([
              { type: 'put', table: 'meta', row: { name: 'fresh', value: 2 } },
              { type: 'insert', table: 'changes', row: { timestamp: 5, id: 'c1', specId: 's', changeType: 'Create' } },
              { type: 'insert', table: 'meta', row: { name: 'taken', value: 3 } },
            ])
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

      it('keeps indexes in step when a row is replaced or deleted', async () => {
        const store = target.newStore();
        stores.push(store);
        const backend = await store.openBackend();
        try {
          const head = (activityAt: number) => ({ id: 'p1', version: activityAt, activityAt });
          await backend.commit([{ type: 'put', table: 'patternHeads', row: head(1) }]);
          await backend.commit([{ type: 'put', table: 'patternHeads', row: head(2) }]);
          const active = (at: number) =>
            backend.range({ table: 'patternHeads', index: 'byActivity', lower: [at, ''], upper: [at, '\ud7ff'] });
          expect(await active(1)).toEqual([]);
          expect(await active(2)).toEqual([head(2)]);
          const pointer = { ik: 'k', identifier: 'k', specId: 's1', specType: 'ADR', latestVersion: 1 };
          await backend.commit([{ type: 'put', table: 'heads', row: pointer }]);
          await backend.commit([{ type: 'put', table: 'heads', row: { ...pointer, latestVersion: 2 } }]);
          const bySpecId = () => backend.range({ table: 'heads', index: 'bySpecId', lower: ['s1'], upper: ['s1'] });
          expect(await bySpecId()).toEqual([{ ...pointer, latestVersion: 2 }]);
          await backend.commit([
            { type: 'delete', table: 'heads', key: ['k'] },
            { type: 'delete', table: 'patternHeads', key: ['p1'] },
          ]);
          expect(await bySpecId()).toEqual([]);
          expect(await active(2)).toEqual([]);
          // A unique index refuses a second row with the same value.
          await backend.commit([{ type: 'put', table: 'heads', row: pointer }]);
          const clash = await backend.commit([{ type: 'put', table: 'heads', row: { ...pointer, ik: 'other' } }]).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect((clash as TemporalDbError).code).toBe('WRITE_CONFLICT');
        } finally {
          await backend.close();
        }
      });

      it('reads ranges in both directions with limits and inclusive bounds', async () => {
        const store = target.newStore();
        stores.push(store);
        const backend = await store.openBackend();
        try {
          await backend.commit(
            [3, 1, 4, 5, 9, 2, 6].map((timestamp) => ({ type: 'insert' as const, table: 'decisions' as const, row: { timestamp, id: `d${timestamp}`, pointKey: 'p' } })),
          );
          const ts = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.timestamp);
          expect(ts(await backend.range({ table: 'decisions', lower: [2, ''], upper: [5, '\ud7ff'] }))).toEqual([2, 3, 4, 5]);
          expect(ts(await backend.range({ table: 'decisions', lower: [2, ''], upper: [5, '\ud7ff'], reverse: true, limit: 3 }))).toEqual([5, 4, 3]);
          expect(ts(await backend.range({ table: 'decisions', lower: [-Infinity, ''], upper: [Infinity, '\ud7ff'], limit: 2 }))).toEqual([1, 2]);
          expect(ts(await backend.range({ table: 'decisions', lower: [4, 'd4'], upper: [6, 'd6'] }))).toEqual([4, 5, 6]);
          expect(
            ts(await backend.range({ table: 'decisions', index: 'byPoint', lower: ['p', 3, ''], upper: ['p', 6, '\ud7ff'], reverse: true })),
          ).toEqual([6, 5, 4, 3]);
        } finally {
          await backend.close();
        }
      });
    });
  });
}
