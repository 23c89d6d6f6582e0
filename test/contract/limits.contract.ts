import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, type JsonValue, type TemporalDb } from '../../src/index.js';
import { adr, decision, expectError, type ContractContext } from './context.js';
import { recordLines } from './sample-store.js';
import { exportLines, importFrom } from '../../src/interchange.js';

const collect = async (db: TemporalDb) => {
  const lines: string[] = [];
  for await (const line of exportLines(db)) lines.push(line);
  return lines;
};

/** Everything the store holds, as export record lines (the header's time left out). */
const contents = async (db: TemporalDb) => recordLines(await collect(db));

/** `levels` objects nested in each other under `a`: `nest(2)` is `{ a: {} }`. */
const nest = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
};
const nestArrays = (levels: number): JsonValue[] => {
  let value: JsonValue[] = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
};
const repeat = <T>(item: T, times: number) => Array<T>(times).fill(item);

const point = (extra: Record<string, unknown>) => ({
  decisionPoint: 'storage-engine',
  context: 'embedded',
  options: [{ optionName: 'LMDB', selected: true }],
  ...extra,
});

// Key budgets in bytes once key-encoded: a space counts 2, U+D7FF and up 7, 'é' 2.
const LONG = 'x'.repeat(10_000);
const longestIdentifiers = ['a'.repeat(1024), 'é'.repeat(512), ' '.repeat(512), '\ud7ff'.repeat(146) + 'ab', '😀'.repeat(73) + 'ab'];
const longestName = '\ud7ff'.repeat(73) + 'a';

/** The contract on limits: key part sizes, JSON depth and cycles, the same on every engine. */
export function limitsContract(ctx: ContractContext): void {
  describe('limits', () => {
    it('refuses 10,000-character identifiers, references and names on reads and writes, with the path, writing nothing', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-001'));
      await db.recordDecision(decision('ADR-001'));
      const before = await contents(db);
      await expectError(db.storeSpecification(adr(LONG)), 'INVALID_INPUT', ['identifier']);
      await expectError(db.storeSpecifications([adr('ADR-002'), adr(LONG)]), 'INVALID_INPUT', [1, 'identifier']);
      await expectError(db.getSpecification(LONG), 'INVALID_INPUT', ['identifier']);
      await expectError(db.getSpecification(LONG, { asOf: 0 }), 'INVALID_INPUT', ['identifier']);
      await expectError(db.getLatestSpecification('ADR', LONG), 'INVALID_INPUT', ['identifier']);
      await expectError(db.getSpecificationHistory(LONG), 'INVALID_INPUT', ['identifier']);
      await expectError(db.deleteSpecification(LONG), 'INVALID_INPUT', ['identifier']);
      await expectError(db.getChanges({ specId: LONG }), 'INVALID_INPUT', ['query', 'specId']);
      await expectError(db.getChanges({ identifier: LONG }), 'INVALID_INPUT', ['query', 'identifier']);
      await expectError(db.getDecisionPoints({ specId: LONG }), 'INVALID_INPUT', ['query', 'specId']);
      await expectError(db.getDecisionPoints({ decisionPoint: LONG }), 'INVALID_INPUT', ['query', 'decisionPoint']);
      await expectError(db.recordDecision(decision(LONG)), 'INVALID_INPUT', ['specId']);
      await expectError(db.recordDecision(decision('ADR-001', { decisionPoint: LONG })), 'INVALID_INPUT', ['decisionPoint']);
      await expectError(db.recordDecisions([decision('ADR-001'), decision('ADR-001', { decisionPoint: LONG })]), 'INVALID_INPUT', [1, 'decisionPoint']);
      await expectError(db.storeDecisionPoint(point({ specificationId: LONG })), 'INVALID_INPUT', ['specificationId']);
      await expectError(db.storeDecisionPoint(point({ identifier: LONG })), 'INVALID_INPUT', ['identifier']);
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-001', decisionPoint: LONG })), 'INVALID_INPUT', ['decisionPoint']);
      const imported = { kind: 'k', id: 'i', timestamp: 1, source: 's', data: {} };
      await expectError(db.putImportedRecords([imported, { ...imported, kind: LONG }]), 'INVALID_INPUT', [1, 'kind']);
      await expectError(db.putImportedRecords([{ ...imported, id: LONG }]), 'INVALID_INPUT', [0, 'id']);
      await expectError(db.getImportedRecords({ kind: LONG }), 'INVALID_INPUT', ['query', 'kind']);
      await expectError(db.recordRecommendationFeedback(LONG, 'accept'), 'INVALID_INPUT', ['id']);
      expect(await contents(db)).toEqual(before);
    });

    it('accepts the longest key parts on every engine, refuses one byte more, and exports and imports them', async () => {
      const { db } = await ctx.openStore();
      for (const identifier of longestIdentifiers) {
        const stored = await db.storeSpecification(adr(identifier));
        expect(await db.getSpecification(identifier)).toEqual(stored);
        expect(await db.getLatestSpecification('ADR', identifier)).toEqual(stored);
        // A reference may be as long as an identifier: this one names the specification.
        expect((await db.getChanges({ specId: identifier })).map((c) => c.changeType)).toEqual(['Create']);
        await expectError(db.storeSpecification(adr(identifier + 'a')), 'INVALID_INPUT', ['identifier']);
        expect(await db.getSpecification(identifier + 'a').catch((e: unknown) => e)).toMatchObject({ code: 'INVALID_INPUT', path: ['identifier'] });
      }
      const identifier = longestIdentifiers[4]!;
      // The widest keys: a decision point name at its limit, in a decision and in a decision point.
      await db.recordDecision(decision(identifier, { decisionPoint: longestName }));
      await db.storeDecisionPoint(point({ identifier, decisionPoint: longestName }));
      expect((await db.getDecisionPoints({ specId: identifier, decisionPoint: longestName })).map((p) => p.decisionPoint)).toEqual([longestName]);
      expect((await db.analyzeDecisionPatterns(30)).map((a) => [a.decisionPoint, a.totalDecisions])).toEqual([[longestName, 2]]);
      await expectError(db.recordDecision(decision(identifier, { decisionPoint: longestName + 'a' })), 'INVALID_INPUT', ['decisionPoint']);
      const record = { kind: longestName, id: longestName, timestamp: 1, source: 's', data: {} };
      expect(await db.putImportedRecords([record])).toBe(1);
      expect(await db.getImportedRecords({ kind: longestName })).toEqual([record]);
      await expectError(db.putImportedRecords([{ ...record, kind: longestName + 'a' }]), 'INVALID_INPUT', [0, 'kind']);
      await expectError(db.putImportedRecords([{ ...record, id: 'é'.repeat(257) }]), 'INVALID_INPUT', [0, 'id']);
      const lines = await collect(db);
      const { db: copy } = await ctx.openStore();
      await importFrom(copy, new Blob(lines));
      expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
    });

    it(`refuses JSON nested more than ${MAX_JSON_DEPTH} levels deep, with the path to the level too many, writing nothing`, async () => {
      expect(MAX_JSON_DEPTH).toBe(64);
      const { db } = await ctx.openStore();
      const deepest = await db.storeSpecification(adr('ADR-001', { metadata: nest(64), templateVariables: nest(64) }));
      expect((await db.getSpecification('ADR-001'))?.metadata).toEqual(nest(64));
      expect(deepest.templateVariables).toEqual(nest(64));
      const pattern = await db.storeArchitecturalPattern({
        patternName: 'Deep',
        patternType: 'Domain',
        patternDefinition: nestArrays(64),
        examples: [nestArrays(63)],
        metadata: nest(64),
      });
      expect((await db.getArchitecturalPattern(pattern.id))?.patternDefinition).toEqual(nestArrays(64));
      const before = await contents(db);
      const tooDeep = ['metadata', ...repeat('a', 64)];
      await expectError(db.storeSpecification(adr('ADR-002', { metadata: nest(65) })), 'INVALID_INPUT', tooDeep);
      await expectError(db.storeSpecification(adr('ADR-002', { templateVariables: nest(65) })), 'INVALID_INPUT', ['templateVariables', ...repeat('a', 64)]);
      await expectError(db.storeSpecifications([adr('ADR-002'), adr('ADR-003', { metadata: nest(65) })]), 'INVALID_INPUT', [1, ...tooDeep]);
      await expectError(
        db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', patternDefinition: nestArrays(65) }),
        'INVALID_INPUT',
        ['patternDefinition', ...repeat(0, 64)],
      );
      // The examples array is the field's first level.
      await expectError(
        db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', examples: ['fine', nestArrays(64)] }),
        'INVALID_INPUT',
        ['examples', 1, ...repeat(0, 63)],
      );
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-001', metadata: nest(65) })), 'INVALID_INPUT', tooDeep);
      await expectError(db.putImportedRecords([{ kind: 'k', id: 'i', timestamp: 1, source: 's', data: nestArrays(65) }]), 'INVALID_INPUT', [0, 'data', ...repeat(0, 64)]);
      // Far past the limit: refused, not a stack overflow.
      const error = await expectError(db.storeSpecification(adr('ADR-002', { metadata: nest(100_000) })), 'INVALID_INPUT');
      expect(error.path).toEqual(tooDeep);
      expect(await contents(db)).toEqual(before);
    });

    it('refuses a __proto__ key (as JSON.parse makes it) instead of dropping it, writing nothing', async () => {
      const { db } = await ctx.openStore();
      const before = await contents(db);
      const metadata = JSON.parse('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
      await expectError(db.storeSpecification(adr('ADR-001', { metadata })), 'INVALID_INPUT', ['metadata', '__proto__']);
      const data = JSON.parse('{"list":[{"__proto__":null}]}') as JsonValue;
      await expectError(db.putImportedRecords([{ kind: 'k', id: 'i', timestamp: 1, source: 's', data }]), 'INVALID_INPUT', [0, 'data', 'list', 0, '__proto__']);
      expect(await contents(db)).toEqual(before);
    });

    it('refuses cycles in objects and arrays with the path where the value meets itself, writing nothing', async () => {
      const { db } = await ctx.openStore();
      const shared = { owner: 'ana' };
      // The same object twice, side by side, is no cycle.
      expect((await db.storeSpecification(adr('ADR-001', { metadata: { a: shared, b: [shared, shared] } }))).metadata).toEqual({
        a: shared,
        b: [shared, shared],
      });
      const before = await contents(db);
      const cyclic: Record<string, unknown> = { owner: 'ana', nested: { list: [] as unknown[] } };
      (cyclic.nested as { list: unknown[] }).list.push(cyclic);
      await expectError(db.storeSpecification(adr('ADR-002', { metadata: cyclic })), 'INVALID_INPUT', ['metadata', 'nested', 'list', 0]);
      const selfish: Record<string, unknown> = {};
      selfish.self = selfish;
      await expectError(db.storeSpecification(adr('ADR-002', { templateVariables: selfish })), 'INVALID_INPUT', ['templateVariables', 'self']);
      const loop: JsonValue[] = [1];
      loop.push([loop]);
      await expectError(
        db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', patternDefinition: { steps: loop } }),
        'INVALID_INPUT',
        ['patternDefinition', 'steps', 1, 0],
      );
      await expectError(db.storeArchitecturalPattern({ patternName: 'p', patternType: 'Domain', examples: [loop] }), 'INVALID_INPUT', ['examples', 0, 1, 0]);
      await expectError(db.storeDecisionPoint(point({ identifier: 'ADR-001', metadata: selfish })), 'INVALID_INPUT', ['metadata', 'self']);
      await expectError(db.putImportedRecords([{ kind: 'k', id: 'i', timestamp: 1, source: 's', data: loop }]), 'INVALID_INPUT', [0, 'data', 1, 0]);
      expect(await contents(db)).toEqual(before);
    });

    it('applies the same limits to an NDJSON import, with the line and field path, writing nothing', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-001', { metadata: { a: 1 } }));
      await db.putImportedRecords([{ kind: 'k', id: 'i', timestamp: 1, source: 's', data: [] }]);
      const lines = await collect(db);
      const spec = JSON.parse(lines[1]!);
      const change = JSON.parse(lines[2]!);
      const imported = JSON.parse(lines[3]!);
      const { db: target } = await ctx.openStore();
      const withLine = (at: number, value: object) => lines.map((line, i) => (i === at ? JSON.stringify(value) + '\n' : line));
      const bad: Array<[string, string[], Array<string | number>]> = [
        ['a metadata too deep', withLine(1, { ...spec, record: { ...spec.record, metadata: { a: nest(64) } } }), ['line', 2, 'record', 'metadata', 'a', ...repeat('a', 63)]],
        ['an identifier too long', withLine(1, { ...spec, record: { ...spec.record, identifier: LONG } }), ['line', 2, 'record', 'identifier']],
        ['a specId too long', withLine(1, { ...spec, record: { ...spec.record, specId: LONG } }), ['line', 2, 'record', 'specId']],
        ['a change id too long', withLine(2, { ...change, record: { ...change.record, id: LONG } }), ['line', 3, 'record', 'id']],
        ['field changes too deep', withLine(2, { ...change, record: { ...change.record, fieldChanges: { metadata: { newValue: nest(65) } } } }), ['line', 3, 'record', 'fieldChanges', 'metadata', 'newValue', ...repeat('a', 64)]],
        ['an imported kind too long', withLine(3, { ...imported, record: { ...imported.record, kind: LONG } }), ['line', 4, 'record', 'kind']],
        ['imported data too deep', withLine(3, { ...imported, record: { ...imported.record, data: nestArrays(65) } }), ['line', 4, 'record', 'data', ...repeat(0, 64)]],
      ];
      for (const [label, input, path] of bad) {
        const error = await expectError(importFrom(target, new Blob(input)), 'INVALID_INPUT');
        expect(error.path, label).toEqual(path);
      }
      expect(await contents(target)).toEqual([]);
      // At the limit, it imports.
      await importFrom(target, new Blob(withLine(1, { ...spec, record: { ...spec.record, metadata: nest(64) } })));
      expect((await target.getSpecification('ADR-001'))?.metadata).toEqual(nest(64));
    });
  });
}
