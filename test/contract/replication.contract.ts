import { describe, expect, it } from 'vitest';
import { applyRecords, type ApplyOptions } from '../../src/core/interchange.js';
import type { TemporalDb } from '../../src/index.js';
import { adr, expectError, type ContractContext } from './context.js';
import { recordLines } from './sample-store.js';
import { exportLines, importFrom } from '../../src/interchange.js';

const collect = async (db: TemporalDb) => {
  const lines: string[] = [];
  for await (const line of exportLines(db)) lines.push(line);
  return lines;
};

/** What the export lines of a store hold, parsed, without the header. */
const recordsOf = async (db: TemporalDb) => recordLines(await collect(db)).map((line) => JSON.parse(line) as { table: string; record: Record<string, unknown> });

/** Sends everything `from` holds to `to`, as a whole-file import. */
const send = async (from: TemporalDb, to: TemporalDb) => importFrom(to, new Blob(await collect(from)));

/** What temporal-db/sync calls per page: the core's entry point on the store's internals. */
const apply = (db: TemporalDb, records: unknown, options: ApplyOptions = {}) => {
  const internals = db as unknown as Record<'backend' | 'writes' | 'hlc', never>;
  return applyRecords(internals.backend, internals.writes, records as unknown[], options, internals.hlc);
};

const nothing = { specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 };

/** The contract on replication: stores exchange immutable records, and replicas converge. */
export function replicationContract(ctx: ContractContext): void {
  describe('replication (a union of records)', () => {
    /** Two replicas sharing version 1 of ADR-001, then each storing its own version 2 offline. */
    async function divergedPair() {
      const { db: a, store } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      await a.storeSpecification(adr('ADR-001', { title: 'Start' }));
      await send(a, b);
      ctx.now += 1_000;
      const mine = await a.storeSpecification(adr('ADR-001', { title: 'Edited on A', author: 'ana' }));
      ctx.now += 1_000;
      const theirs = await b.storeSpecification(adr('ADR-001', { title: 'Edited on B', author: 'bo', status: 'accepted' }));
      return { a, b, mine, theirs, store };
    }

    for (const order of ['A then B', 'B then A'] as const) {
      it(`keeps both versions of one number and converges to identical exports (${order} first)`, async () => {
        const { a, b, mine, theirs } = await divergedPair();
        expect(mine.version).toBe(2);
        expect(theirs.version).toBe(2);
        const [first, second] = order === 'A then B' ? [a, b] : [b, a];
        const added = await send(first, second);
        expect(added.added.specifications).toBe(1);
        await send(second, first);
        // Identical record lines, line for line, on both replicas.
        expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
        for (const db of [a, b]) {
          const history = await db.getSpecificationHistory('ADR-001');
          // Every version, in key order: by number, siblings by id.
          const siblings = [mine, theirs].sort((x, y) => (x.id < y.id ? -1 : 1));
          expect(history.map((v) => [v.version, v.title])).toEqual([[1, 'Start'], ...siblings.map((v) => [2, v.title])]);
          // The winner: the later timestamp (B's edit came a second later).
          expect((await db.getLatestSpecification('ADR', 'ADR-001'))?.id).toBe(theirs.id);
          expect((await db.getSpecification('ADR-001', { version: 2 }))?.id).toBe(theirs.id);
          expect((await db.getSpecification('ADR-001', { asOf: ctx.now }))?.id).toBe(theirs.id);
          expect((await db.getSpecification('ADR-001', { asOf: mine.timestamp }))?.id).toBe(mine.id);
          expect((await db.listSpecifications()).map((s) => s.id)).toEqual([theirs.id]);
          const [conflict] = await db.getConflicts();
          expect(conflict).toMatchObject({ identifier: 'ADR-001', version: 2, winner: theirs.id });
          expect(conflict!.versions.map((v) => v.id)).toEqual([mine.id, theirs.id].sort());
          expect(await db.getConflicts('ADR-001')).toEqual([conflict]);
          const changes = await db.getChanges({ identifier: 'ADR-001' });
          const conflicts = changes.filter((c) => c.changeType === 'Conflict');
          expect(conflicts).toHaveLength(1);
          const [low, high] = mine.id < theirs.id ? [mine, theirs] : [theirs, mine];
          expect(conflicts[0]).toMatchObject({ version: 2, timestamp: theirs.timestamp, specId: mine.specId });
          expect(conflicts[0]!.fieldChanges.title).toEqual({ oldValue: low.title, newValue: high.title });
        }
        // Importing the same records again adds nothing, either way.
        expect((await send(first, second)).added).toEqual(nothing);
        expect((await send(second, first)).added).toEqual(nothing);
      });
    }

    it('keeps both first versions of an identifier two replicas each created offline, as siblings', async () => {
      const { db: a } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      const mine = await a.storeSpecification(adr('ADR-005', { title: 'Created on A' }));
      ctx.now += 1_000;
      const theirs = await b.storeSpecification(adr('ADR-005', { title: 'Created on B' }));
      // A new identifier's specId comes from the identifier, so both replicas gave it the same one.
      expect(theirs.specId).toBe(mine.specId);
      await send(a, b);
      await send(b, a);
      expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
      const [conflict] = await a.getConflicts();
      expect(conflict).toMatchObject({ identifier: 'ADR-005', version: 1, winner: theirs.id });
      expect((await a.getChanges({ specId: mine.specId })).map((c) => c.changeType).sort()).toEqual(['Conflict', 'Create', 'Create']);
      ctx.now += 1_000;
      expect((await a.storeSpecification(adr('ADR-005', { title: 'Agreed' }))).version).toBe(2);
      await send(a, b);
      expect(await b.getConflicts()).toEqual([]);
      expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
    });

    it('keeps a version whose identifier the store holds under another specId (the winner names it)', async () => {
      const { db: a } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      await a.storeSpecification(adr('ADR-006'));
      ctx.now += 1_000;
      await b.storeSpecification(adr('ADR-006', { title: 'Elsewhere' }));
      // As a store made before specIds came from identifiers would send it: another specId.
      const other = '01234567-89ab-7def-8123-456789abcdef';
      const page = (await recordsOf(b)).map((line) => ({ ...line, record: { ...line.record, specId: other } }));
      await apply(a, page);
      const latest = await a.getLatestSpecification('ADR', 'ADR-006');
      expect(latest).toMatchObject({ title: 'Elsewhere', specId: other });
      expect((await a.getConflicts('ADR-006'))[0]!.versions).toHaveLength(2);
      expect((await a.getChanges({ specId: other })).map((c) => c.changeType)).toContain('Create');
      expect((await a.getSpecificationHistory('ADR-006')).map((v) => v.title).sort()).toEqual(['Elsewhere', 'Title of ADR-006']);
    });

    it('resolves a conflict with a later version, which every replica then agrees on', async () => {
      const { a, b, mine, theirs } = await divergedPair();
      await send(a, b);
      await send(b, a);
      ctx.now += 1_000;
      const merged = await a.storeSpecification(adr('ADR-001', { title: 'Merged', author: 'ana' }));
      expect(merged.version).toBe(3);
      expect(await a.getConflicts()).toEqual([]);
      // The update is against the version reads returned (the winner).
      const update = (await a.getChanges({ identifier: 'ADR-001' })).at(-1)!;
      expect(update).toMatchObject({ changeType: 'Update', version: 3 });
      expect(update.fieldChanges.title).toEqual({ oldValue: theirs.title, newValue: 'Merged' });
      await send(a, b);
      expect(await b.getConflicts()).toEqual([]);
      expect((await b.getLatestSpecification('ADR', 'ADR-001'))?.title).toBe('Merged');
      expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
      expect((await b.getSpecificationHistory('ADR-001')).map((v) => v.id).sort()).toEqual(
        [mine.id, theirs.id, merged.id, (await a.getSpecification('ADR-001', { version: 1 }))!.id].sort(),
      );
    });

    it('writes one Conflict record per pair of siblings, the same on every replica whatever the order of arrival', async () => {
      const stores = [await ctx.openStore(), await ctx.openStore(), await ctx.openStore()].map(({ db }) => db);
      const [a, b, c] = stores as [TemporalDb, TemporalDb, TemporalDb];
      await a.storeSpecification(adr('ADR-001'));
      await send(a, b);
      await send(a, c);
      for (const [i, db] of stores.entries()) {
        ctx.now += 1_000;
        await db.storeSpecification(adr('ADR-001', { title: `Edit ${i}` }));
      }
      // a meets c, then b; b meets a (holding all three); c meets b.
      await send(c, a);
      await send(b, a);
      await send(a, b);
      await send(b, c);
      const exports = await Promise.all(stores.map(async (db) => recordLines(await collect(db))));
      expect(exports[1]).toEqual(exports[0]);
      expect(exports[2]).toEqual(exports[0]);
      const conflicts = (await a.getChanges()).filter((change) => change.changeType === 'Conflict');
      expect(conflicts).toHaveLength(3);
      expect(new Set(conflicts.map((change) => change.id)).size).toBe(3);
      expect((await c.getConflicts())[0]!.versions).toHaveLength(3);
    });

    it('keeps a deletion and an edit of one number side by side; the later one wins', async () => {
      const { db: a } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      await a.storeSpecification(adr('ADR-001'));
      await send(a, b);
      ctx.now += 1_000;
      await a.storeSpecification(adr('ADR-001', { title: 'Kept' }));
      ctx.now += 1_000;
      await b.deleteSpecification('ADR-001', { reason: 'dropped' });
      await send(a, b);
      await send(b, a);
      expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
      expect(await a.getLatestSpecification('ADR', 'ADR-001')).toBeUndefined();
      const [conflict] = await a.getConflicts();
      expect(conflict!.versions.map((v) => ('deleted' in v ? 'deleted' : v.title)).sort()).toEqual(['Kept', 'deleted']);
      // A store resolves it, as after any deletion.
      ctx.now += 1_000;
      expect((await a.storeSpecification(adr('ADR-001', { title: 'Back' }))).version).toBe(3);
      expect(await a.getConflicts()).toEqual([]);
    });

    it('keeps both versions of a pattern that two replicas each used offline; the later one is current', async () => {
      const { db: a } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      const pattern = await a.storeArchitecturalPattern({ patternName: 'Repository', patternType: 'Application', patternDefinition: { intent: 'data access' } });
      await send(a, b);
      ctx.now += 1_000;
      await a.recordPatternUse(pattern.id);
      ctx.now += 1_000;
      const later = await b.storeArchitecturalPattern({ id: pattern.id, patternName: 'Repository (renamed)', patternType: 'Application' });
      await send(a, b);
      await send(b, a);
      expect(recordLines(await collect(a))).toEqual(recordLines(await collect(b)));
      for (const db of [a, b]) {
        expect((await db.getPatternHistory(pattern.id)).map((v) => v.version)).toEqual([1, 2, 2]);
        expect(await db.getArchitecturalPattern(pattern.id)).toEqual(later);
        expect((await db.getArchitecturalPattern(pattern.id, { asOf: ctx.now - 1_000 }))?.usageFrequency).toBe(1);
      }
      expect((await send(a, b)).added).toEqual(nothing);
      // The next version follows the current one.
      expect((await a.recordPatternUse(pattern.id)).version).toBe(3);
    });

    it('merges the feedback two replicas gave one recommendation', async () => {
      const { db: a } = await ctx.openStore();
      const { db: b } = await ctx.openStore();
      const spec = await a.storeSpecification(adr('ADR-001'));
      for (let i = 0; i < 3; i++) {
        await a.recordDecision({ specId: spec.identifier, decisionPoint: 'storage', selectedOption: 'LMDB', context: 'embedded', author: 'ana', confidence: 0.9 });
      }
      const [recommendation] = (await a.generateRecommendations({ minimumConfidence: 0.3 })).recommendations;
      await send(a, b);
      ctx.now += 1_000;
      await a.recordRecommendationFeedback(recommendation!.id, 'accept', 'works');
      ctx.now += 1_000;
      await b.recordRecommendationFeedback(recommendation!.id, 'dismiss', 'not for us');
      await send(a, b);
      await send(b, a);
      const feedbackOf = async (db: TemporalDb) => (await db.getPatternRecommendations()).find((r) => r.id === recommendation!.id)!.feedback;
      expect((await feedbackOf(a)).map((f) => f.action)).toEqual(['accept', 'dismiss']);
      expect(await feedbackOf(b)).toEqual(await feedbackOf(a));
      const recommendations = async (db: TemporalDb) => (await recordsOf(db)).filter((line) => line.table === 'recommendations');
      expect(await recommendations(b)).toEqual(await recommendations(a));
      expect((await send(a, b)).added.recommendations).toBe(0);
    });

    describe('the hybrid clock', () => {
      const HOUR = 3_600_000;

      it('orders what a replica an hour behind writes after what it received, in one identifier and across them', async () => {
        const { db: a } = await ctx.openStore();
        const { store, db: b } = await ctx.openStore({ clock: () => ctx.now - HOUR });
        const first = await a.storeSpecification(adr('ADR-001'));
        const decided = await a.recordDecision({ specId: 'ADR-001', decisionPoint: 'storage', selectedOption: 'LMDB', context: 'c', author: 'ana', confidence: 0.9 });
        await send(a, b);
        ctx.now += 10;
        // B's own clock says an hour ago; what it writes now still comes after what it has seen.
        const second = await b.storeSpecification(adr('ADR-001', { title: 'Later' }));
        const other = await b.storeSpecification(adr('ADR-002'));
        for (const version of [second, other]) {
          expect(version.timestamp).toBe(decided.recordedAt);
          expect(version.recordedAt).toBe(decided.recordedAt);
        }
        const log = (await b.getChanges()).map((change) => [change.identifier, change.changeType]);
        expect(log).toEqual([
          ['ADR-001', 'Create'],
          ['ADR-001', 'Decision'],
          ['ADR-001', 'Update'],
          ['ADR-002', 'Create'],
        ]);
        expect(second.timestamp).toBeGreaterThanOrEqual(first.timestamp);
        // The store keeps its clock: a new handle on it, its clock still behind, carries on from there.
        const reopened = await (async () => {
          const db = await store.open({ clock: () => ctx.now - HOUR });
          try {
            return await db.storeSpecification(adr('ADR-003'));
          } finally {
            await db.close();
          }
        })();
        expect(reopened.recordedAt).toBe(decided.recordedAt);
        // Once its own clock passes what it has seen, it follows its own clock again.
        ctx.now += 2 * HOUR;
        const { db: c } = await ctx.openStore({ clock: () => ctx.now - HOUR });
        await send(a, c);
        expect((await c.storeSpecification(adr('ADR-004'))).recordedAt).toBe(ctx.now - HOUR);
      });

      it('does not run ahead of the latest time it saw, however many records an import brings', async () => {
        const { db: a } = await ctx.openStore();
        await a.storeSpecifications(Array.from({ length: 600 }, (_, i) => adr(`ADR-${i}`)));
        const { db: b } = await ctx.openStore({ clock: () => ctx.now - HOUR });
        const page = await recordsOf(a);
        await apply(b, page);
        expect((await b.storeSpecification(adr('ADR-LAST'))).recordedAt).toBe(ctx.now);
        const history = await b.getChanges();
        expect(history.at(-1)!.identifier).toBe('ADR-LAST');
      });
    });

    describe('applyRecords (the entry point of sync)', () => {
      it('commits a page of records with its meta rows, and adds nothing the second time', async () => {
        const { a, b, theirs, store } = await divergedPair();
        const page = (await recordsOf(b)).filter((line) => line.table !== 'changes' || line.record.changeType !== 'Create');
        const result = await apply(a, page, { meta: [{ name: 'sync:checkpoint', value: { seq: 7 } }] });
        expect(result.added.specifications).toBe(1);
        expect(result.skipped.specifications).toBe(1);
        expect((await a.getConflicts())[0]!.winner).toBe(theirs.id);
        const backend = await store.openBackend();
        try {
          expect(await backend.get('meta', ['sync:checkpoint'])).toEqual({ name: 'sync:checkpoint', value: { seq: 7 } });
        } finally {
          await backend.close();
        }
        const again = await apply(a, page);
        expect(again.added).toEqual(nothing);
      });

      it('writes nothing, meta rows included, when one record is bad; the error names its index', async () => {
        const { a, b } = await divergedPair();
        const before = await collect(a);
        const page = await recordsOf(b);
        const bad = [...page.slice(0, 2), { table: 'specifications', record: { ...page[0]!.record, version: 'two' } }];
        await expectError(apply(a, bad, { meta: [{ name: 'sync:checkpoint', value: 1 }] }), 'INVALID_INPUT', ['records', 2, 'record', 'version']);
        await expectError(apply(a, [{ table: 'users', record: {} }]), 'INVALID_INPUT', ['records', 0, 'table']);
        await expectError(apply(a, [], { meta: [{ name: 'schemaVersion', value: 9 }] }), 'INVALID_INPUT', ['options', 'meta', 0, 'name']);
        await expectError(apply(a, [], { meta: [{ name: 'sync:checkpoint', value: 1 }, { name: 'decisionCount', value: 0 }] }), 'INVALID_INPUT', ['options', 'meta', 1, 'name']);
        await expectError(apply(a, [], { meta: 'checkpoint' as never }), 'INVALID_INPUT', ['options', 'meta']);
        await expectError(apply(a, 'records' as never), 'INVALID_INPUT', ['records']);
        // A record that clashes with a stored one (same key, other content) is refused like in an import.
        const clash = page.find((line) => line.table === 'specifications' && line.record.version === 1)!;
        await expectError(apply(a, [{ ...clash, record: { ...clash.record, title: 'Rewritten' } }]), 'INVALID_INPUT', ['records', 0, 'record']);
        expect(recordLines(await collect(a))).toEqual(recordLines(before));
        expect(await a.getConflicts()).toEqual([]);
      });
    });
  });
}
