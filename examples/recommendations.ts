// Decision points, recommendations and feedback, on a fixed clock so the
// output is the same every run (it is shown in the README):
//   npx tsx examples/recommendations.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTemporalDb } from 'temporal-db';

const DAY = 86_400_000;
let now = Date.UTC(2026, 5, 1);
const path = mkdtempSync(join(tmpdir(), 'temporal-db-recommendations-'));
const db = await openTemporalDb({ path, clock: () => now });

const adr = await db.storeSpecification({
  specType: 'ADR',
  identifier: 'ADR-010',
  title: 'Asynchronous integration between services',
  content: 'Services integrate through messages, not synchronous calls.',
  timestamp: now - 60 * DAY,
});
await db.storeArchitecturalPattern({
  patternName: 'Message Broker',
  patternType: 'Infrastructure',
  patternDefinition: { intent: 'route asynchronous messages between services through a broker' },
  successRate: 0.8,
});

// Four teams met the same decision point; three chose the broker with high confidence.
const teams = ['payments', 'billing', 'search', 'notifications'];
for (const [i, team] of teams.entries()) {
  await db.storeDecisionPoint({
    specificationId: adr.specId,
    decisionPoint: 'service-messaging',
    context: `${team} needs asynchronous messages between services`,
    options: [
      { optionName: 'broker', pros: ['decoupling'], cons: ['one more system'], selected: i < 3 },
      { optionName: 'direct HTTP', pros: ['simple'], cons: ['coupling'], selected: i === 3 },
    ],
    confidence: i < 3 ? 0.9 : 0.6,
    author: team,
    timestamp: now - (20 - i * 4) * DAY,
  });
}

const { recommendations } = await db.generateRecommendations({ lookbackDays: 45 });
for (const r of recommendations) {
  console.log(`${r.patternName} for "${r.decisionPoint}" (confidence ${r.confidence}, from ${r.provenance} decisions)`);
  console.log(`  ${r.rationale}`);
  console.log(`  expires ${new Date(r.expiresAt).toISOString().slice(0, 10)}`);
}
now += DAY;
await db.recordRecommendationFeedback(recommendations[0]!.id, 'accept', 'adopted for billing');
const [broker] = (await db.getSimilarPatterns('message broker', 0.1, 365)).map((m) => m.pattern);
console.log(`After acceptance, Message Broker's success rate is ${broker!.successRate.toFixed(2)}`);
console.log(`Stored recommendations: ${(await db.getPatternRecommendations({ limit: 10 })).length}`);

await db.close();
rmSync(path, { recursive: true, force: true });
