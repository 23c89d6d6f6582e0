import { describe, expect, it } from 'vitest';
import type { TemporalDb } from '../../src/index.js';
import { adr, DAY, expectError, type ContractContext } from './context.js';
import { populateSample, recordLines, SAMPLE_T0 } from './sample-store.js';
import { exportLines, exportStream, exportTo, importFrom } from '../../src/interchange.js';

/** The contract on export, import and the backend. */
export function interchangeContract(ctx: ContractContext): void {
  describe('export and import', () => {
    const collect = async (db: TemporalDb) => {
      const lines: string[] = [];
      for await (const line of exportLines(db)) lines.push(line);
      return lines;
    };
    const blobOf = (lines: string[]) => new Blob(lines);

    it('round-trips a store: the same record lines, the same reads', async () => {
      const { db } = await ctx.openStore();
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
      const { db: copy } = await ctx.openStore();
      const result = await importFrom(copy, blobOf(lines));
      expect(result.added).toEqual({ specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 });
      expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
      ctx.now = SAMPLE_T0 + 10 * DAY;
      expect(await copy.listSpecifications()).toEqual(await db.listSpecifications());
      expect(await copy.getSpecification('PRD:7', { asOf: SAMPLE_T0 + 2 * DAY })).toEqual(
        await db.getSpecification('PRD:7', { asOf: SAMPLE_T0 + 2 * DAY }),
      );
      expect(await copy.analyzeDecisionPatterns(30)).toEqual(await db.analyzeDecisionPatterns(30));
      // Imported decisions are counted as recorded ones are.
      const { storage: _s, ...copied } = await copy.statistics();
      const { storage: _t, ...source } = await db.statistics();
      expect(copied).toEqual(source);
      expect(copied.decisions).toBe(5);
      expect(await copy.getSimilarPatterns('repository data access', 0.1, 30)).toEqual(
        await db.getSimilarPatterns('repository data access', 0.1, 30),
      );
      // Writes continue where the imported history ends.
      expect((await copy.storeSpecification(adr('ADR-001', { title: 'First' }))).version).toBe(3);
    });

    it('keeps an update once: its change row names the fields, reads and exports give their values from the versions', async () => {
      const { store, db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-001', { content: 'a'.repeat(2000) }));
      const v2 = await db.storeSpecification(adr('ADR-001', { content: 'b'.repeat(2000), status: 'accepted' }));
      const [, update] = await db.getChanges();
      expect(update!.fieldChanges).toEqual({
        content: { oldValue: 'a'.repeat(2000), newValue: 'b'.repeat(2000) },
        status: { oldValue: 'proposed', newValue: 'accepted' },
      });
      const backend = await store.openBackend();
      try {
        const rows = (await backend.range({ table: 'changes', lower: [v2.timestamp, ''], upper: [v2.timestamp, '\ud7ff'] })) as Array<Record<string, unknown>>;
        const row = rows.find((r) => r.changeType === 'Update');
        expect(row).toMatchObject({ changeType: 'Update', changed: ['content', 'status'] });
        expect(row!.fieldChanges).toBeUndefined();
        expect(JSON.stringify(row).length).toBeLessThan(400);
      } finally {
        await backend.close();
      }
      const line = (await collect(db)).map((l) => JSON.parse(l)).find((l) => l.table === 'changes' && l.record.changeType === 'Update');
      expect(line.record.fieldChanges).toEqual(update!.fieldChanges);
    });

    it('keeps what an imported change says when its versions give other values, or are not there', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-001', { content: 'one' }));
      await db.storeSpecification(adr('ADR-001', { content: 'two' }));
      const lines = await collect(db);
      const edited = lines.map((text) => {
        const line = JSON.parse(text);
        if (line.table === 'specifications' && line.record.version === 1) return text;
        if (line.table !== 'changes' || line.record.changeType !== 'Update') return line.table === 'specifications' ? '' : text;
        line.record.fieldChanges = { content: { oldValue: 'one', newValue: 'said otherwise' } };
        return JSON.stringify(line) + '\n';
      });
      // Version 2 is left out of the file: the change's versions are not all there.
      const counted = edited.filter(Boolean);
      const header = JSON.parse(counted[0]!);
      header.counts.specifications = 1;
      counted[0] = JSON.stringify(header) + '\n';
      const { db: copy } = await ctx.openStore();
      await importFrom(copy, blobOf(counted));
      const update = (await copy.getChanges()).find((change) => change.changeType === 'Update');
      expect(update!.fieldChanges).toEqual({ content: { oldValue: 'one', newValue: 'said otherwise' } });
      // Importing the same file again finds the same record.
      expect((await importFrom(copy, blobOf(counted))).skipped.changes).toBe(2);
    });

    it('adds nothing when the same export is imported twice', async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const lines = await collect(db);
      const { db: copy } = await ctx.openStore();
      await importFrom(copy, blobOf(lines));
      const again = await importFrom(copy, () => (async function* () { yield* lines; })());
      expect(again.added).toEqual({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
      expect(again.skipped).toEqual({ specifications: 5, patterns: 2, changes: 10, decisionPoints: 0, recommendations: 0, importedRecords: 1 });
      expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
      // A decision skipped as already there is not counted again.
      expect((await copy.statistics()).decisions).toBe(5);
      // The source itself: an export imported into the store it came from adds nothing either.
      expect((await importFrom(db, blobOf(lines))).added).toEqual({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
    });

    it('rejects a bad line with its number and field path, and writes nothing', async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const lines = await collect(db);
      const { db: target } = await ctx.openStore();
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
        const error = await expectError(importFrom(target, blobOf(input)), 'INVALID_INPUT');
        expect(error.path, label).toEqual(path);
        expect(error.message).toMatch(/^Line \d+/);
      }
      expect(recordLines(await collect(target))).toEqual([]);
      // A record that clashes with what the store holds (its key, other content) is refused before anything is written.
      await target.storeSpecification(adr('ADR-NEW'));
      await importFrom(target, blobOf(lines.slice(0, 2).map((line, i) => (i === 0 ? line.replace(/"counts":\{[^}]*\}/, '"counts":{"specifications":1,"patterns":0,"changes":0}') : line))));
      const before = await collect(target);
      const clash = [...lines];
      clash[1] = JSON.stringify({ ...spec, record: { ...spec.record, title: 'Rewritten' } }) + '\n';
      expect((await expectError(importFrom(target, blobOf(clash)), 'INVALID_INPUT')).path).toEqual(['line', 2, 'record']);
      expect(recordLines(await collect(target))).toEqual(recordLines(before));
    });

    it("gives zod's own messages for the checks written by hand (lengths, patterns, literals, arrays, defaults)", async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const lines = await collect(db);
      const { db: target } = await ctx.openStore();
      const withRecord = (index: number, change: Record<string, unknown>) => {
        const line = JSON.parse(lines[index]!);
        return [...lines.slice(0, index), JSON.stringify({ ...line, record: { ...line.record, ...change } }) + '\n', ...lines.slice(index + 1)];
      };
      const pattern = lines.findIndex((line) => JSON.parse(line).table === 'patterns');
      const imported = lines.findIndex((line) => JSON.parse(line).table === 'importedRecords');
      const bad: Array<[string[], string]> = [
        [withRecord(pattern, { patternName: '' }), 'Too small: expected string to have >=1 characters'],
        [withRecord(pattern, { examples: 'none' }), 'Invalid input: expected array, received string'],
        [withRecord(1, { deleted: false }), 'Invalid input: expected true'],
        [withRecord(imported, { timestampNanos: '1.5' }), 'Invalid string: must match pattern /^-?\\d+$/'],
        [[JSON.stringify({ ...JSON.parse(lines[0]!), format: 'other' }) + '\n', ...lines.slice(1)], 'Invalid input: expected "temporal-db"'],
      ];
      for (const [input, message] of bad) {
        expect((await expectError(importFrom(target, blobOf(input)), 'INVALID_INPUT')).message).toContain(`: ${message}`);
      }
      const api: Array<[Promise<unknown>, Array<string | number>, string]> = [
        [target.storeSpecification(adr('')), ['identifier'], 'must not be empty'],
        [target.storeSpecification(adr('ADR-001', { tags: 'x' })), ['tags'], 'Invalid input: expected array, received string'],
        [target.storeArchitecturalPattern({ id: 'not-a-uuid', patternName: 'P', patternType: 'Domain' }), ['id'], 'Invalid UUID'],
        [target.storeDecisionPoint({ identifier: 'ADR-001', decisionPoint: 'p', context: '', options: [] }), ['options'], 'a decision point needs at least one option'],
        [
          target.putImportedRecords([{ kind: 'k', id: 'i', timestamp: 0, timestampNanos: 'x', source: '', data: null }]),
          [0, 'timestampNanos'],
          'must be a whole number of nanoseconds, as a string',
        ],
        [target.generateRecommendations({ minimumConfidence: 2 }), ['options', 'minimumConfidence'], 'Too big: expected number to be <=1'],
        [target.getPatternRecommendations({ limit: 0 }), ['options', 'limit'], 'Too small: expected number to be >=1'],
      ];
      for (const [call, path, message] of api) expect((await expectError(call, 'INVALID_INPUT', path)).message).toContain(`: ${message}`);
      // Checks across fields report along with the fields' own problems: every problem at once.
      const twice = [{ optionName: 'a', selected: true }, { optionName: 'a', selected: true }];
      const many = await expectError(target.storeDecisionPoint({ decisionPoint: 'p', context: '', options: twice, confidence: 3 } as never), 'INVALID_INPUT');
      expect(many.issues.map((issue) => issue.path)).toEqual([['confidence'], ['specificationId'], ['options'], ['options', 1, 'optionName']]);
      // Defaults are fresh for every call: a stored default is never shared with the next one.
      const first = await target.storeSpecification(adr('ADR-002'));
      first.tags.push('changed');
      expect((await target.storeSpecification(adr('ADR-003'))).tags).toEqual([]);
    });

    it('round-trips absent confidences and success rates: left out of the lines, absent again after import', async () => {
      const { db } = await ctx.openStore();
      ctx.now = SAMPLE_T0 + 10 * DAY;
      await db.storeSpecification(adr('ADR-010', { timestamp: SAMPLE_T0 }));
      await db.recordDecisions(
        [0.9, undefined, 0.8, undefined].map((confidence, i) => ({
          specId: 'ADR-010',
          decisionPoint: 'api_versioning',
          selectedOption: 'header',
          context: `ctx ${i}`,
          author: 'ana',
          ...(confidence !== undefined ? { confidence } : {}),
          timestamp: SAMPLE_T0 + i * DAY,
        })),
      );
      await db.storeDecisionPoint({ specificationId: 'ADR-010', decisionPoint: 'api_versioning', context: 'p', options: [{ optionName: 'header', selected: true }], timestamp: SAMPLE_T0 + 5 * DAY });
      await db.storeArchitecturalPattern({ patternName: 'Versioned API', patternType: 'Interface', timestamp: SAMPLE_T0 });
      const lines = await collect(db);
      const decisions = lines.filter((l) => l.includes('"changeType":"Decision"')).map((l) => JSON.parse(l).record.decision);
      expect(decisions.map((d) => 'confidence' in d)).toEqual([true, false, true, false, false]);
      const pattern = JSON.parse(lines.find((l) => l.startsWith('{"table":"patterns"'))!).record;
      expect('successRate' in pattern || 'contextSimilarity' in pattern).toBe(false);

      const { db: copy } = await ctx.openStore();
      expect((await importFrom(copy, blobOf(lines))).added.changes).toBe(6);
      expect(recordLines(await collect(copy))).toEqual(recordLines(lines));
      expect(await copy.getChanges({ specId: 'ADR-010' })).toEqual(await db.getChanges({ specId: 'ADR-010' }));
      // The rebuilt rollups count the same: 5 decisions, 2 selected, over whole days and single ones.
      for (const days of [1, 3, 30]) expect(await copy.analyzeDecisionPatterns(days)).toEqual(await db.analyzeDecisionPatterns(days));
      expect(await copy.analyzeDecisionPatterns(30)).toMatchObject([{ totalDecisions: 5, selectedCount: 2 }]);
      const [restored] = await copy.getSimilarPatterns('versioned api', 0.1, 30);
      expect('successRate' in restored!.pattern).toBe(false);
    });

    it('streams a large export in chunks of many lines, byte for byte the lines', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecifications(Array.from({ length: 100 }, (_, i) => adr(`ADR-${i}`, { content: `${i} `.repeat(1000) })));
      const lines = await collect(db);
      const reader = exportStream(db).getReader();
      const decoder = new TextDecoder();
      const chunks: string[] = [];
      for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(decoder.decode(read.value));
      expect(chunks.join('')).toBe(lines.join(''));
      // Over 200 KB of lines: a few chunks of at least 64 KiB (the last may be shorter), each ending at a line's end.
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.length).toBeLessThan(lines.length / 10);
      for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
      for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    });

    it('streams the export as bytes and to a callback, line for line the same', async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const lines = await collect(db);
      const text = await new Response(exportStream(db)).text();
      expect(recordLines(text.split(/(?<=\n)/))).toEqual(recordLines(lines));
      const seen: string[] = [];
      await exportTo(db, (line) => seen.push(line));
      expect(recordLines(seen)).toEqual(recordLines(lines));
    });
  });

  describe('export snapshot', () => {
    it('is not changed by writes made while it is read: header counts match, and the file imports', async () => {
      const { db } = await ctx.openStore();
      await populateSample(db);
      const before: string[] = [];
      for await (const line of exportLines(db)) before.push(line);
      const lines: string[] = [];
      const reading = exportLines(db)[Symbol.asyncIterator]();
      for (let i = 0; i < 2; i++) lines.push((await reading.next()).value as string);
      // Writes to every exported table that only grows, while the export is half read.
      const [spec] = await db.listSpecifications();
      await db.storeSpecification(adr('ADR-DURING'));
      await db.storeSpecification({ ...spec!, content: 'changed during the export' });
      await db.recordDecision({ specId: spec!.identifier, decisionPoint: 'during', selectedOption: 'x', context: 'c', author: 'a', confidence: 0.9 });
      await db.storeArchitecturalPattern({ patternName: 'During', patternType: 'Application', patternDefinition: {} });
      await db.putImportedRecords([{ kind: 'during', id: 'd1', timestamp: ctx.now, source: 's', data: {} }]);
      for (;;) {
        const next = await reading.next();
        if (next.done) break;
        lines.push(next.value);
      }
      expect(recordLines(lines)).toEqual(recordLines(before));
      const header = JSON.parse(lines[0]!) as { counts: Record<string, number> };
      const perTable: Record<string, number> = {};
      for (const line of recordLines(lines)) {
        const table = (JSON.parse(line) as { table: string }).table;
        perTable[table] = (perTable[table] ?? 0) + 1;
      }
      for (const [table, count] of Object.entries(header.counts)) expect(perTable[table] ?? 0, table).toBe(count);
      const copy = await ctx.reopen(ctx.newStore());
      const result = await importFrom(copy, new Blob(lines));
      expect(Object.values(result.added).reduce((a, b) => a + b, 0)).toBe(recordLines(lines).length);
    });
  });
}
