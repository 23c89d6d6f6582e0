// The README's demo: a few ADR versions in the embedded default store
// (./.temporal-db), then their history, an as-of read and the decision analysis.
// Run it with `npm run demo`; running it again reuses what the first run stored.
import { openTemporalDb, type Specification } from 'temporal-db';

const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (days: number) => now - days * DAY;

const db = await openTemporalDb();

async function seed() {
  const adr1 = {
    specType: 'ADR' as const,
    identifier: 'ADR-001',
    title: 'Record architecture decisions',
    author: 'ana',
    tags: ['process'],
  };
  await db.storeSpecification({
    ...adr1,
    status: 'proposed',
    content: 'We need to record the architectural decisions made on this project.',
    timestamp: daysAgo(60),
  });
  await db.storeSpecification({
    ...adr1,
    status: 'accepted',
    content: 'We will use Architecture Decision Records, as described by Michael Nygard.',
    timestamp: daysAgo(40),
  });
  const adr1v3 = await db.storeSpecification({
    ...adr1,
    status: 'accepted',
    content: 'We will use Architecture Decision Records in docs/adr, one Markdown file each, reviewed in pull requests.',
    tags: ['process', 'docs'],
    timestamp: daysAgo(10),
  });
  const adr2 = await db.storeSpecification({
    specType: 'ADR',
    identifier: 'ADR-002',
    title: 'Embedded storage engine',
    content: 'Candidates: LMDB, SQLite, RocksDB.',
    author: 'bo',
    timestamp: daysAgo(20),
  });
  await db.storeSpecification({
    ...adr2,
    status: 'accepted',
    content: 'We will use LMDB in Node and IndexedDB in browsers behind one repository API.',
    timestamp: daysAgo(12),
  });
  const decide = (selectedOption: string, context: string, confidence: number, days: number) =>
    db.recordDecision({
      specId: adr2.specId,
      decisionPoint: 'storage-engine',
      selectedOption,
      context,
      author: 'bo',
      confidence,
      timestamp: daysAgo(days),
    });
  await decide('LMDB', 'read-heavy, embedded, many versions per record', 0.85, 12);
  await decide('SQLite', 'ad-hoc reporting queries', 0.55, 8);
  await decide('LMDB', 'offline-first desktop build', 0.9, 3);
  await db.recordDecision({
    specId: adr1v3.specId,
    decisionPoint: 'decision-format',
    selectedOption: 'Nygard ADR',
    context: 'lightweight, reviewable in pull requests',
    author: 'ana',
    confidence: 0.8,
    timestamp: daysAgo(40),
  });
  await db.storeArchitecturalPattern({
    patternName: 'Repository Pattern',
    patternType: 'Application',
    patternDefinition: { intent: 'Mediate between the domain and data mapping layers with a collection-like interface' },
    examples: ['SpecificationRepository hides LMDB and IndexedDB behind one API'],
    successRate: 0.9,
  });
  await db.storeArchitecturalPattern({
    patternName: 'Circuit Breaker',
    patternType: 'Infrastructure',
    patternDefinition: { intent: 'Stop calling a failing remote service until it recovers' },
  });
}

const show = (v: Specification) =>
  `  v${v.version}  ${new Date(v.timestamp).toISOString().slice(0, 10)}  ${v.status.padEnd(9)} ${v.content}`;

if ((await db.getSpecificationHistory('ADR-001')).length === 0) {
  await seed();
  console.log('Seeded the demo store at ./.temporal-db\n');
} else {
  console.log('The demo store at ./.temporal-db is already seeded; reading it\n');
}

console.log('History of ADR-001:');
for (const version of await db.getSpecificationHistory('ADR-001')) console.log(show(version));

const first = (await db.getSpecificationHistory('ADR-001'))[0]!;
const asOf = first.timestamp + 5 * DAY;
const then = await db.getSpecification('ADR-001', { asOf });
console.log(`\nADR-001 as of ${new Date(asOf).toISOString().slice(0, 10)}:`);
console.log(then ? show(then) : '  (did not exist yet)');

const update = (await db.getChanges({ specId: first.specId, changeType: 'Update' }))[0];
if (update) console.log('\nFirst update changed:', Object.keys(update.fieldChanges).join(', '));

console.log('\nDecision analysis, last 30 days:');
for (const entry of await db.analyzeDecisionPatterns(30)) {
  console.log(
    `  ${entry.decisionPoint} (${entry.specType}): ${entry.totalDecisions} decisions, ` +
      `${entry.selectedCount} with confidence > 0.7, options ${JSON.stringify(entry.options)}`,
  );
  for (const context of entry.contexts) console.log(`    - ${context}`);
}

console.log('\nPatterns similar to "one interface for data access over two storage engines":');
for (const match of await db.getSimilarPatterns('one interface for data access over two storage engines', 0.05, 90)) {
  console.log(`  ${match.pattern.patternName}  score ${match.score.toFixed(3)}`);
}

await db.close();
