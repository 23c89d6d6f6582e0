import { describe, expect, it } from 'vitest';
import type { TemporalDb } from '../../src/index.js';
import { adr, DAY, decision, expectError, T0, type ContractContext } from './context.js';

const point = (extra: Record<string, unknown>) => ({
  decisionPoint: 'storage-engine',
  context: 'embedded',
  options: [{ optionName: 'LMDB', selected: true }, { optionName: 'SQLite' }],
  confidence: 0.9,
  ...extra,
});

/** Everything the store holds, to show that a refused call wrote nothing. */
async function snapshot(db: TemporalDb) {
  return {
    changes: await db.getChanges(),
    statistics: await db.statistics(),
    points: await db.getDecisionPoints({ decisionPoint: 'storage-engine' }),
  };
}

/** The contract on naming a specification: by specId, version id or identifier. */
export function referencesContract(ctx: ContractContext): void {
  describe('specification references', () => {
    it('names a specification by its identifier wherever a specId is taken', async () => {
      const { db } = await ctx.openStore();
      const v1 = await db.storeSpecification(adr('ADR-010', { timestamp: T0 - 10 * DAY }));
      const v2 = await db.storeSpecification(adr('ADR-010', { timestamp: T0 - 9 * DAY, status: 'accepted' }));
      const other = await db.storeSpecification(adr('ADR-002', { timestamp: T0 - 9 * DAY }));

      const byIdentifier = await db.recordDecision(decision('ADR-002', { timestamp: T0 - 8 * DAY }));
      expect(byIdentifier).toMatchObject({ specId: other.specId, identifier: 'ADR-002', version: 1, changeType: 'Decision' });
      const many = await db.recordDecisions([
        decision('ADR-010', { timestamp: T0 - 7 * DAY }),
        decision(v1.specId, { timestamp: T0 - 6 * DAY }),
        decision(v1.id, { timestamp: T0 - 5 * DAY }),
      ]);
      expect(many.map((c) => [c.specId, c.version])).toEqual([
        [v1.specId, 2],
        [v1.specId, 2],
        [v1.specId, 2],
      ]);
      const stored = await db.storeDecisionPoint(point({ specificationId: 'ADR-010', timestamp: T0 - 4 * DAY }));
      expect(stored).toMatchObject({ specId: v1.specId, identifier: 'ADR-010' });

      const changesOf = async (query: Parameters<TemporalDb['getChanges']>[0]) => (await db.getChanges(query)).map((c) => c.id);
      const expected = await changesOf({ specId: v1.specId });
      expect(expected).toHaveLength(6); // Create, Update, three decisions, the decision point's Decision
      expect(await changesOf({ specId: 'ADR-010' })).toEqual(expected);
      expect(await changesOf({ specId: v2.id })).toEqual(expected);
      expect(await changesOf({ identifier: 'ADR-010' })).toEqual(expected);
      expect(await changesOf({ specId: 'ADR-010', identifier: 'ADR-010' })).toEqual(expected);
      expect(await changesOf({ specId: 'ADR-010', changeType: 'Decision', limit: 2 })).toEqual(expected.slice(2, 4));
      // `identifier` is an identifier only; filters that name two specifications match nothing.
      expect(await db.getChanges({ identifier: v1.specId })).toEqual([]);
      expect(await db.getChanges({ specId: 'ADR-010', identifier: 'ADR-002' })).toEqual([]);

      for (const specId of ['ADR-010', v1.specId, v2.id]) {
        expect((await db.getDecisionPoints({ specId })).map((p) => p.id)).toEqual([stored.id]);
      }
      expect((await db.getDecisionPoints({ specId: 'ADR-010', decisionPoint: 'storage-engine' })).map((p) => p.id)).toEqual([stored.id]);
      expect(await db.getDecisionPoints({ specId: 'ADR-002' })).toEqual([]);
      expect(await db.getDecisionPoints({ specId: 'ADR-010', identifier: 'ADR-002' })).toEqual([]);
    });

    it('reads nothing for a reference that names nothing, and refuses to write with it', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-010'));
      await db.storeSpecification(adr('ADR-002'));
      for (const specId of ['ADR-404', 'adr-010', '00000000-0000-7000-8000-000000000000', 'ADR-\ud800']) {
        expect(await db.getChanges({ specId })).toEqual([]);
        expect(await db.getDecisionPoints({ specId })).toEqual([]);
      }
      expect(await db.getChanges({ identifier: 'ADR-404' })).toEqual([]);
      expect(await db.getDecisionPoints({ identifier: 'ADR-404' })).toEqual([]);

      const before = await snapshot(db);
      await expectError(db.recordDecision(decision('ADR-404')), 'NOT_FOUND', ['specId']);
      await expectError(db.recordDecisions([decision('ADR-010'), decision('ADR-404'), decision('ADR-002')]), 'NOT_FOUND', [1, 'specId']);
      await expectError(db.recordDecisions([decision('ADR-010'), decision('ADR-404'), decision('ADR-405'), decision('ADR-404')]), 'NOT_FOUND', [1, 'specId']);
      await expectError(db.storeDecisionPoint(point({ specificationId: 'ADR-404' })), 'NOT_FOUND', ['specificationId']);
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-404' })), 'NOT_FOUND', ['identifier']);
      // Both given: each must exist and they must name the same specification.
      await expectError(db.storeDecisionPoint(point({ specificationId: 'ADR-010', identifier: 'ADR-404' })), 'NOT_FOUND', ['identifier']);
      await expectError(db.storeDecisionPoint(point({ specificationId: 'ADR-010', identifier: 'ADR-002' })), 'INVALID_INPUT', ['identifier']);
      await expectError(db.storeDecisionPoint(point({ specificationId: 'ADR-404', identifier: 'ADR-405' })), 'NOT_FOUND', ['specificationId']);
      expect(await snapshot(db)).toEqual(before);
      const both = await db.storeDecisionPoint(point({ specificationId: 'ADR-010', identifier: 'ADR-010' }));
      expect(both.identifier).toBe('ADR-010');
    });

    it('tries specId, then version id, then identifier', async () => {
      const { db } = await ctx.openStore();
      const target = await db.storeSpecification(adr('ADR-TARGET', { timestamp: T0 - 3 * DAY }));
      // Identifiers that spell another specification's specId and version id.
      const specIdTwin = await db.storeSpecification(adr(target.specId, { timestamp: T0 - 3 * DAY }));
      const versionIdTwin = await db.storeSpecification(adr(target.id, { timestamp: T0 - 3 * DAY }));
      // An identifier that spells a version id of a specification whose specId is spelled by yet another identifier.
      const third = await db.storeSpecification(adr(specIdTwin.id, { timestamp: T0 - 3 * DAY }));

      expect((await db.recordDecision(decision(target.specId))).specId).toBe(target.specId);
      expect((await db.recordDecision(decision(target.id))).specId).toBe(target.specId);
      expect((await db.recordDecision(decision(specIdTwin.id))).specId).toBe(specIdTwin.specId);
      expect((await db.storeDecisionPoint(point({ specificationId: target.specId }))).specId).toBe(target.specId);
      // `identifier` fields are identifiers only, so the twins are reachable.
      expect((await db.storeDecisionPoint(point({ identifier: target.specId }))).specId).toBe(specIdTwin.specId);

      const identifiersOf = async (query: Parameters<TemporalDb['getChanges']>[0]) =>
        [...new Set((await db.getChanges(query)).map((c) => c.identifier))];
      expect(await identifiersOf({ specId: target.specId })).toEqual(['ADR-TARGET']);
      expect(await identifiersOf({ specId: target.id })).toEqual(['ADR-TARGET']);
      expect(await identifiersOf({ identifier: target.specId })).toEqual([target.specId]);
      expect(await identifiersOf({ identifier: target.id })).toEqual([versionIdTwin.identifier]);
      expect(await identifiersOf({ specId: specIdTwin.id })).toEqual([target.specId]);
      expect(await identifiersOf({ identifier: specIdTwin.id })).toEqual([third.identifier]);
      expect((await db.getDecisionPoints({ specId: target.specId })).map((p) => p.identifier)).toEqual(['ADR-TARGET']);
      expect((await db.getDecisionPoints({ identifier: target.specId })).map((p) => p.identifier)).toEqual([target.specId]);
    });

    it('reads the history of a deleted specification by any reference, and refuses to write to it', async () => {
      const { db } = await ctx.openStore();
      const spec = await db.storeSpecification({ ...adr('PRD:7'), specType: 'PRD', timestamp: T0 - 5 * DAY });
      await db.recordDecision(decision('PRD:7', { timestamp: T0 - 4 * DAY }));
      const stored = await db.storeDecisionPoint(point({ identifier: 'PRD:7', timestamp: T0 - 3 * DAY }));
      await db.deleteSpecification('PRD:7', { timestamp: T0 - 2 * DAY, reason: 'dropped' });

      for (const specId of ['PRD:7', spec.specId, spec.id]) {
        expect((await db.getChanges({ specId })).map((c) => c.changeType)).toEqual(['Create', 'Decision', 'Decision', 'Delete']);
        expect((await db.getDecisionPoints({ specId })).map((p) => p.id)).toEqual([stored.id]);
      }
      expect((await db.getChanges({ identifier: 'PRD:7' })).length).toBe(4);

      const before = await snapshot(db);
      for (const specId of ['PRD:7', spec.specId, spec.id]) {
        const error = await expectError(db.recordDecision(decision(specId)), 'NOT_FOUND', ['specId']);
        expect(error.message).toMatch(/deleted/);
        await expectError(db.storeDecisionPoint(point({ specificationId: specId })), 'NOT_FOUND', ['specificationId']);
      }
      await expectError(db.storeDecisionPoint(point({ identifier: 'PRD:7' })), 'NOT_FOUND', ['identifier']);
      expect(await snapshot(db)).toEqual(before);

      // Stored again, it is the same specification: its whole history reads under every reference.
      await db.storeSpecification({ ...adr('PRD:7'), specType: 'PRD', timestamp: T0 - DAY });
      expect((await db.recordDecision(decision('PRD:7'))).specId).toBe(spec.specId);
      expect((await db.getChanges({ specId: spec.id })).map((c) => c.changeType)).toEqual([
        'Create',
        'Decision',
        'Decision',
        'Delete',
        'Create',
        'Decision',
      ]);
    });

    it('rejects malformed references and confidences with INVALID_INPUT and their path, writing nothing', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-010'));
      const before = await snapshot(db);
      await expectError(db.getChanges({ identifier: '' }), 'INVALID_INPUT', ['query', 'identifier']);
      await expectError(db.getChanges({ identifier: 'ADR-\ud800' }), 'INVALID_INPUT', ['query', 'identifier']);
      await expectError(db.getChanges({ identifier: 7 } as never), 'INVALID_INPUT', ['query', 'identifier']);
      await expectError(db.getChanges({ specId: '' }), 'INVALID_INPUT', ['query', 'specId']);
      await expectError(db.getDecisionPoints({ identifier: 'x'.repeat(1025) }), 'INVALID_INPUT', ['query', 'identifier']);
      await expectError(db.getDecisionPoints({ specId: 42 } as never), 'INVALID_INPUT', ['query', 'specId']);
      await expectError(db.recordDecision(decision('')), 'INVALID_INPUT', ['specId']);
      await expectError(db.recordDecisions([decision('ADR-010'), decision(null as never)]), 'INVALID_INPUT', [1, 'specId']);
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-\ud800' })), 'INVALID_INPUT', ['identifier']);
      await expectError(db.storeDecisionPoint(point({ specificationId: '' })), 'INVALID_INPUT', ['specificationId']);
      // Only an omitted confidence is absent; null or out of range is refused.
      await expectError(db.recordDecision(decision('ADR-010', { confidence: null })), 'INVALID_INPUT', ['confidence']);
      await expectError(db.recordDecisions([decision('ADR-010'), decision('ADR-010', { confidence: -0.1 })]), 'INVALID_INPUT', [1, 'confidence']);
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-010', confidence: 1.5 })), 'INVALID_INPUT', ['confidence']);
      await expectError(db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', successRate: null as never }), 'INVALID_INPUT', ['successRate']);
      expect(await snapshot(db)).toEqual(before);
    });
  });
}
