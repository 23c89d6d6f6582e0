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

await db.storeSpecification({
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

// Four teams met the same decision point; three chose the broker with high
// confidence, one chose direct HTTP without saying how sure it was. The
// specification is named by its identifier, as the original's users do.
const teams = ['payments', 'billing', 'search', 'notifications'];
for (const [i, team] of teams.entries()) {
  await db.storeDecisionPoint({
    specificationId: 'ADR-010',
    decisionPoint: 'service-messaging',
    context: `${team} needs asynchronous messages between services`,
    options: [
      { optionName: 'broker', pros: ['decoupling'], cons: ['one more system'], selected: i < 3 },
      { optionName: 'direct HTTP', pros: ['simple'], cons: ['coupling'], selected: i === 3 },
    ],
    ...(i < 3 ? { confidence: 0.9 } : {}),
    author: team,
    timestamp: now - (20 - i * 4) * DAY,
  });
}
// No stored pattern fits this point: its name is inferred from it, as the original does.
for (const [i, [option, confidence]] of ([['url path', 0.8], ['url path', 0.9], ['header', undefined]] as const).entries()) {
  await db.recordDecision({
    specId: 'ADR-010',
    decisionPoint: 'api_versioning',
    selectedOption: option,
    context: `public endpoint ${i + 1} changes its response shape`,
    author: 'platform',
    ...(confidence !== undefined ? { confidence } : {}),
    timestamp: now - (10 - i) * DAY,
  });
}
console.log(`Decisions on ADR-010: ${(await db.getChanges({ specId: 'ADR-010', changeType: 'Decision' })).length}`);

const dry = await db.generateRecommendations({ lookbackDays: 45, dryRun: true });
console.log(`Dry run: ${dry.recommendations.length} recommendations, regenerated: ${dry.regenerated}`);
const { recommendations, regenerated } = await db.generateRecommendations({ lookbackDays: 45 });
console.log(`Stored: ${recommendations.length} recommendations, regenerated: ${regenerated}`);
for (const r of recommendations) {
  console.log(`${r.patternName} for "${r.decisionPoint}" (confidence ${r.confidence.toFixed(2)}, from ${r.provenance} decisions)`);
  console.log(`  ${r.rationale}`);
  console.log(`  expires ${new Date(r.expiresAt).toISOString().slice(0, 10)}`);
}
now += DAY;
await db.recordRecommendationFeedback(recommendations[0]!.id, 'accept', 'adopted for billing');
const [broker] = (await db.getSimilarPatterns('message broker', 0.1, 365)).map((m) => m.pattern);
console.log(`After acceptance, Message Broker's success rate is ${broker!.successRate!.toFixed(2)}`);
console.log(`Stored recommendations: ${(await db.getPatternRecommendations({ limit: 10 })).length}`);

await db.close();
rmSync(path, { recursive: true, force: true });
