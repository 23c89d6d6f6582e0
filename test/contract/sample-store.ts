import type { TemporalDb } from '../../src/index.js';

export const SAMPLE_T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/** Fills a store with a bit of everything an export must carry: versions, a deletion, patterns, decisions. */
export async function populateSample(db: TemporalDb): Promise<void> {
  const at = (days: number) => SAMPLE_T0 + days * DAY;
  const base = { specType: 'ADR' as const, author: 'ana', tags: ['x'], metadata: { reviewed: true, nested: { n: 1 } } };
  const a1 = await db.storeSpecification({ ...base, identifier: 'ADR-001', title: 'First', content: 'one', timestamp: at(0) });
  await db.storeSpecification({ ...base, identifier: 'ADR-001', title: 'First', content: 'two', status: 'accepted', timestamp: at(3) });
  await db.storeSpecification({ ...base, identifier: 'ADR-😀 two', title: 'Emoji', content: 'e', timestamp: at(1) });
  await db.storeSpecification({ ...base, specType: 'PRD', identifier: 'PRD:7', title: 'Seven', content: 's', timestamp: at(2) });
  await db.deleteSpecification('PRD:7', { author: 'bo', reason: 'dropped', timestamp: at(4) });
  const pattern = await db.storeArchitecturalPattern({
    patternName: 'Repository Pattern',
    patternType: 'Application',
    patternDefinition: { intent: 'data access behind a collection interface' },
    examples: ['UserRepository'],
    successRate: 0.8,
    timestamp: at(1),
  });
  await db.recordPatternUse(pattern.id, { timestamp: at(5) });
  await db.putImportedRecords([
    {
      kind: 'prompt_analysis',
      id: 'pa-1',
      timestamp: at(1),
      timestampNanos: '1767312000000123456',
      source: 'prompt_analysis_20260102_pa-1.json',
      data: { score: 0.7, notes: ['a', 'b'] },
    },
  ]);
  for (let i = 0; i < 5; i++) {
    await db.recordDecision({
      specId: a1.specId,
      decisionPoint: 'storage',
      selectedOption: i % 2 ? 'LMDB' : 'SQLite',
      context: `context ${i % 3}`,
      author: 'ana',
      confidence: 0.5 + i / 10,
      timestamp: at(2 + i),
    });
  }
}

/** The record lines of an export (the header holds the export time, which differs). */
export const recordLines = (lines: string[]) => lines.slice(1);

/** A store large enough to interrupt: `batches` batches of 500 identifiers, each batch a day later and one version more. */
export async function populateBatches(db: TemporalDb, batches: number): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    await db.storeSpecifications(
      Array.from({ length: 500 }, (_, i) => ({
        specType: 'ADR' as const,
        identifier: `ADR-${String(i).padStart(4, '0')}`,
        title: `t${i}`,
        content: `batch ${batch}`,
        timestamp: Date.UTC(2025, 0, 1) + batch * 86_400_000 + i,
      })),
    );
  }
}
