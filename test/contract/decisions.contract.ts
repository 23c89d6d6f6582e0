import { describe, expect, it } from 'vitest';
import type { TemporalDb } from '../../src/index.js';
import { adr, DAY, expectError, T0, type ContractContext } from './context.js';

/** The contract on patterns and decisions. */
export function decisionsContract(ctx: ContractContext): void {
  describe('patterns', () => {
    it('versions patterns and counts uses', async () => {
      const { db } = await ctx.openStore();
      const p1 = await db.storeArchitecturalPattern({ patternName: 'Event Sourcing', patternType: 'Domain', successRate: 0.5 });
      ctx.now += DAY;
      const used = await db.recordPatternUse(p1.id);
      expect(used).toMatchObject({ id: p1.id, version: 2, usageFrequency: 1, lastUsed: T0 + DAY, createdAt: T0 });
      ctx.now += DAY;
      const p3 = await db.storeArchitecturalPattern({ id: p1.id, patternName: 'Event Sourcing', patternType: 'Domain', successRate: 0.8 });
      expect(p3).toMatchObject({ version: 3, usageFrequency: 1, lastUsed: T0 + DAY, successRate: 0.8 });
      expect((await db.getPatternHistory(p1.id)).map((p) => p.version)).toEqual([1, 2, 3]);
      expect((await db.getArchitecturalPattern(p1.id, { asOf: T0 + DAY }))?.version).toBe(2);
      expect(await db.getArchitecturalPattern(p1.id, { asOf: T0 - 1 })).toBeUndefined();
      await expectError(db.recordPatternUse('01890000-0000-7000-8000-000000000000'), 'NOT_FOUND', ['id']);
    });

    it('ranks by similarity, applies the threshold and the lookback window', async () => {
      const { db } = await ctx.openStore();
      const make = (patternName: string, intent: string) =>
        db.storeArchitecturalPattern({ patternName, patternType: 'Infrastructure', patternDefinition: { intent } });
      const old = await make('Message Queue', 'asynchronous messages between services through a durable queue');
      ctx.now += 40 * DAY;
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
      const { db } = await ctx.openStore();
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
      const { db } = await ctx.openStore();
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
        ctx.now = T0 - Math.floor(random() * 60 * DAY);
        const days = [0.25, 1, 1.5, 2, 7, 30, 45][i % 7]!;
        expect(await db.analyzeDecisionPatterns(days), `window of ${days} days ending ${ctx.now}`).toEqual(expected(ctx.now, days));
      }
    });

    it('keeps an omitted confidence absent: counted in the total, never selected, the same from rollups and single days', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-C', { timestamp: T0 - 100 * DAY }));
      const decide = (daysAgo: number, confidence?: number) =>
        db.recordDecision({
          specId: 'ADR-C',
          decisionPoint: 'cache',
          selectedOption: 'redis',
          context: `ctx ${daysAgo}`,
          author: 'ana',
          ...(confidence !== undefined ? { confidence } : {}),
          timestamp: T0 - daysAgo * DAY - 1000,
        });
      const bare = await decide(20);
      expect(bare.decision).toEqual({ decisionPoint: 'cache', selectedOption: 'redis', context: 'ctx 20' });
      expect('confidence' in bare.decision!).toBe(false);
      expect((await db.getChanges({ specId: 'ADR-C', changeType: 'Decision' }))[0]!.decision).toEqual(bare.decision);
      await decide(10);
      await decide(10, 0.7);
      await decide(5, 0.71);
      await decide(5, 1);
      await decide(0.5, 0);
      await decide(0.5);
      await db.recordDecisions([1, 2].map((i) => ({ specId: 'ADR-C', decisionPoint: 'cache', selectedOption: 'memcached', context: '', author: 'bo', timestamp: T0 - i * DAY })));
      await db.storeDecisionPoint({ identifier: 'ADR-C', decisionPoint: 'cache', context: 'point', options: [{ optionName: 'redis', selected: true }], timestamp: T0 - 3 * DAY });
      const changes = await db.getChanges({ identifier: 'ADR-C', changeType: 'Decision' });
      expect(changes.map((c) => c.decision!.confidence)).toEqual([undefined, undefined, 0.7, 0.71, 1, undefined, undefined, undefined, 0, undefined]);
      // 30 days reads whole days from the rollups, 1 day only single decisions: both agree.
      expect(await db.analyzeDecisionPatterns(30)).toMatchObject([{ decisionPoint: 'cache', totalDecisions: 10, selectedCount: 2 }]);
      expect(await db.analyzeDecisionPatterns(1)).toMatchObject([{ decisionPoint: 'cache', totalDecisions: 3, selectedCount: 0 }]);
      expect(await db.analyzeDecisionPatterns(6)).toMatchObject([{ decisionPoint: 'cache', totalDecisions: 7, selectedCount: 2 }]);
    });

    it('refuses a decision on an unknown specification', async () => {
      const { db } = await ctx.openStore();
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
      const { db } = await ctx.openStore();
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
      const { db } = await ctx.openStore();
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
      const { db } = await ctx.openStore();
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
      expect(regenerated).toBe(true);
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
      // Named as the original does: decision_point.replace('_', ' ').title().
      expect(byPoint['retry-policy']).toMatchObject({ patternName: 'Retry-Policy', confidence: 0.9 });
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

    it('counts decisions without confidence but never selects them, names inferred patterns with title(), ranks unknown success rates last', async () => {
      const { db } = await ctx.openStore();
      await db.storeSpecification(adr('ADR-R', { timestamp: T0 - 400 * DAY }));
      const decide = (decisionPoint: string, confidences: Array<number | undefined>, context: string) =>
        db.recordDecisions(
          confidences.map((confidence, i) => ({
            specId: 'ADR-R',
            decisionPoint,
            selectedOption: 'a',
            context: `${context} ${i}`,
            author: 'ana',
            ...(confidence !== undefined ? { confidence } : {}),
            timestamp: T0 - (i + 1) * 3_600_000,
          })),
        );
      // 2 of 4 selected: 0.5, under the default minimum; the two without confidence still count.
      await decide('api_versioning', [0.9, 0.8, undefined, undefined], 'public endpoints');
      // 3 of 4: one is exactly 0.7, not above it.
      await decide('HTTP_cache', [0.9, 0.75, 0.71, 0.7], 'edge proxies');
      // Only decisions without confidence: 0/3 clamps to 0.1.
      await decide('tracing', [undefined, undefined, undefined], 'spans');
      const { recommendations, regenerated } = await db.generateRecommendations({ dryRun: true, minimumConfidence: 0.3 });
      expect(regenerated).toBe(false);
      expect(recommendations.map((r) => [r.decisionPoint, r.patternName, r.confidence, r.metadata.totalDecisions, r.metadata.selectedCount])).toEqual([
        ['HTTP_cache', 'Http Cache', 0.75, 4, 3],
        ['api_versioning', 'Api Versioning', 0.5, 4, 2],
      ]);
      expect(recommendations.every((r) => r.patternId === undefined && !r.rationale.includes('Known success rate'))).toBe(true);
      expect((await db.analyzeDecisionPatterns(30)).find((a) => a.decisionPoint === 'tracing')).toMatchObject({ totalDecisions: 3, selectedCount: 0 });

      // A similar pattern whose success rate is unknown loses to one whose rate is known, even 0.
      const unknown = await db.storeArchitecturalPattern({
        patternName: 'Versioned API',
        patternType: 'Interface',
        patternDefinition: { intent: 'public endpoints versioned api' },
      });
      expect('successRate' in unknown).toBe(false);
      expect('contextSimilarity' in unknown).toBe(false);
      const zero = await db.storeArchitecturalPattern({
        patternName: 'Api Gateway',
        patternType: 'Interface',
        patternDefinition: { intent: 'public endpoints behind a gateway' },
        successRate: 0,
      });
      const pick = async () =>
        (await db.generateRecommendations({ dryRun: true, minimumConfidence: 0.3 })).recommendations.find((r) => r.decisionPoint === 'api_versioning')!;
      const chosen = await pick();
      expect(chosen).toMatchObject({ patternId: zero.id, patternName: 'Api Gateway' });
      expect(chosen.rationale).toContain('Known success rate 0.00.');
      await db.storeArchitecturalPattern({ id: zero.id, patternName: 'Api Gateway', patternType: 'Interface', patternDefinition: { intent: 'unrelated' } });
      const onlyUnknown = await pick();
      expect(onlyUnknown).toMatchObject({ patternId: unknown.id, patternName: 'Versioned API' });
      expect(onlyUnknown.rationale).not.toContain('Known success rate');

      // Accepting a recommendation of a pattern with no known rate starts it from 0.
      const stored = await db.generateRecommendations({ minimumConfidence: 0.3 });
      expect(stored.regenerated).toBe(true);
      const forUnknown = stored.recommendations.find((r) => r.patternId === unknown.id)!;
      await db.recordRecommendationFeedback(forUnknown.id, 'accept');
      expect((await db.getArchitecturalPattern(unknown.id))!.successRate).toBeCloseTo(0.1, 10);
    });

    it('writes nothing on a dry run, purges past the retention, and never returns expired ones', async () => {
      const { db } = await ctx.openStore();
      await history(db, 'caching', 4, 0);
      const before = await db.statistics();
      const dry = await db.generateRecommendations({ dryRun: true });
      expect(dry).toMatchObject({ regenerated: false, retentionDeleted: 0 });
      expect(dry.recommendations).toHaveLength(1);
      expect(await db.getPatternRecommendations()).toEqual([]);
      expect(await db.statistics()).toEqual(before);

      await db.generateRecommendations({ retentionDays: 10 });
      expect(await db.getPatternRecommendations()).toHaveLength(1);
      ctx.now = T0 + 11 * DAY;
      expect(await db.getPatternRecommendations()).toEqual([]);
      await history(db, 'caching', 4, 0);
      const later = await db.generateRecommendations({ retentionDays: 10, lookbackDays: 60 });
      expect(later).toMatchObject({ regenerated: true, retentionDeleted: 1 });
      expect((await db.getPatternRecommendations()).map((r) => r.id)).toEqual([later.recommendations[0]!.id]);
    });

    it('keeps feedback, skips dismissed ones within the retention, raises success on accept, survives reopen', async () => {
      const { db, store } = await ctx.openStore();
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
      ctx.now = T0 + DAY;
      const accepted = await db.recordRecommendationFeedback(first!.id, 'accept', 'worked for payments');
      expect(accepted.feedback).toEqual([{ action: 'accept', reason: 'worked for payments', at: T0 + DAY }]);
      expect((await db.getArchitecturalPattern(pattern.id))!.successRate).toBeCloseTo(0.55, 10);
      ctx.now = T0 + 2 * DAY;
      const dismissed = await db.recordRecommendationFeedback(first!.id, 'dismiss', 'moved to a queue');
      expect(dismissed.feedback.map((f) => f.action)).toEqual(['accept', 'dismiss']);
      expect((await db.generateRecommendations()).recommendations).toEqual([]);
      ctx.now = T0 + 100 * DAY;
      await history(db, 'remote-service-failures', 4, 0, 'failing remote service');
      ctx.now = T0 + 101 * DAY;
      expect((await db.generateRecommendations({ lookbackDays: 200 })).recommendations).toHaveLength(1);

      await db.close();
      const again = await ctx.reopen(store);
      const kept = await again.getPatternRecommendations({ limit: 5 });
      expect(kept).toHaveLength(1);
      expect(kept[0]!.patternName).toBe('Circuit Breaker');
    });
  });
}
