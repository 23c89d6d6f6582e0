import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v5 as uuidv5 } from 'uuid';
import { afterAll, describe, expect, it } from 'vitest';
import { importLegacy, openTemporalDb, parseLegacyKey } from '../../src/lmdb.js';

const dir = mkdtempSync(join(tmpdir(), 'temporal-db-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Nanosecond times above 2^53: the last digits are lost in a float, not here.
const NANOS_1 = '1704067200123456789';
const NANOS_2 = '1706745600987654321';
// The namespace legacy-records.ts derives stable pattern ids from.
const LEGACY_NAMESPACE = '6f1d1b5e-5a47-4d0e-9a51-2c1f4f0b7a10';

describe('the original key/value layout (sled, redb)', () => {
  it('splits keys whose identifier holds colons and keeps nanoseconds exactly', () => {
    expect(parseLegacyKey(`spec:ADR:001:${NANOS_1}`)).toEqual({ prefix: 'spec', id: 'ADR:001', nanos: BigInt(NANOS_1) });
  });

  it('imports specification versions, patterns, decisions and other changes, once', async () => {
    const specId = '3f0c5a5e-8a62-4a4e-9d1b-7a1d2c3b4e5f';
    const spec = (status: string, content: string) => ({
      id: specId,
      spec_type: 'ADR',
      identifier: 'ADR:001',
      title: 'Use Rust',
      content,
      author: 'rustacean',
      status,
      tags: ['core'],
      matrix_ids: ['M-7'],
      template_variables: { team: 'platform' },
      metadata: { origin: 'sled' },
    });
    const lines = [
      { table: 'specifications', key: `spec:ADR:001:${NANOS_2}`, value: spec('Accepted', 'v2') },
      { table: 'specifications', key: `spec:ADR:001:${NANOS_1}`, value: spec('Draft', 'v1') },
      {
        table: 'patterns',
        key: `pattern:repo-pattern:${NANOS_1}`,
        value: {
          id: 'repo-pattern',
          pattern_name: 'Repository',
          pattern_type: 'application',
          pattern_definition: { intent: 'collection-like access' },
          context_similarity: 0.4,
          usage_frequency: 12,
          success_rate: 0.9,
          last_used: '2024-01-20T10:00:00.123456789Z',
          examples: ['UserRepository'],
        },
      },
      {
        table: 'changes',
        key: `change:${specId}:${NANOS_2}`,
        value: { id: 'c1', spec_id: specId, change_type: 'Decision', author: 'lead', decision_point: 'language', selected_option: 'Rust', context: 'speed', confidence: 0.85 },
      },
      {
        table: 'changes',
        key: `change:${specId}:${NANOS_1}`,
        value: { id: 'c0', spec_id: specId, change_type: 'StatusChange', field_changes: { status: { old_value: 'Draft', new_value: 'Accepted' } } },
      },
    ];
    const file = join(dir, 'kv.ndjson');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const db = await openTemporalDb({ path: join(dir, 'kv-store'), clock: () => Date.UTC(2024, 1, 15) });
    const result = await importLegacy(db, 'kv', file);
    expect(result).toEqual({ specificationVersions: 2, patternVersions: 1, decisions: 1, importedRecords: 1, skipped: 0 });

    const history = await db.getSpecificationHistory('ADR:001');
    expect(history.map((v) => [v.version, v.status, v.content, v.timestamp])).toEqual([
      [1, 'proposed', 'v1', 1704067200123],
      [2, 'accepted', 'v2', 1706745600987],
    ]);
    expect(history[0]).toMatchObject({ author: 'rustacean', tags: ['core'], matrixIds: ['M-7'], templateVariables: { team: 'platform' } });
    expect(history[0]!.metadata).toMatchObject({ origin: 'sled', legacy: { source: `spec:ADR:001:${NANOS_1}`, timestampNanos: NANOS_1, id: specId, status: 'Draft' } });

    const [pattern] = (await db.getSimilarPatterns('repository collection access', 0.01, 3650)).map((m) => m.pattern);
    expect(pattern).toMatchObject({
      patternName: 'Repository',
      patternType: 'Application',
      contextSimilarity: 0.4,
      usageFrequency: 12,
      successRate: 0.9,
      lastUsed: Date.parse('2024-01-20T10:00:00.123Z'),
      examples: ['UserRepository'],
      metadata: { legacy: { id: 'repo-pattern', timestampNanos: NANOS_1 } },
    });
    expect((await db.analyzeDecisionPatterns(30))[0]).toMatchObject({ decisionPoint: 'language', totalDecisions: 1, selectedCount: 1 });
    const [other] = await db.getImportedRecords({ kind: 'legacy_change' });
    expect(other).toMatchObject({ id: 'c0', timestampNanos: NANOS_1, source: `change:${specId}:${NANOS_1}`, data: { change_type: 'StatusChange' } });

    expect(await importLegacy(db, 'kv', file)).toEqual({ specificationVersions: 0, patternVersions: 0, decisions: 0, importedRecords: 0, skipped: 5 });
    await db.close();
  });
});

describe('NULL and absent legacy fields', () => {
  it('stay absent where temporal-db has an optional field, in every legacy kind', async () => {
    const specId = '5b1e0c9a-1f2e-4d3c-8b7a-6e5d4c3b2a19';
    const lines = [
      {
        table: 'specifications',
        key: `spec:ADR-N:${NANOS_1}`,
        value: { id: specId, spec_type: 'ADR', identifier: 'ADR-N', title: 'Nulls', content: 'c', author: null, status: null, tags: null, metadata: null },
      },
      {
        table: 'patterns',
        key: `pattern:null-pattern:${NANOS_1}`,
        value: { id: 'null-pattern', pattern_name: 'Nullable', pattern_type: 'domain', pattern_definition: null, success_rate: null, context_similarity: null, last_used: null },
      },
      { table: 'patterns', key: `pattern:bare-pattern:${NANOS_1}`, value: { id: 'bare-pattern', pattern_name: 'Bare', pattern_type: 'domain' } },
      {
        table: 'changes',
        key: `change:${specId}:${NANOS_2}`,
        value: { id: 'n1', spec_id: specId, decision_point: 'api_versioning', selected_option: 'header', context: 'public', confidence: null },
      },
      {
        table: 'changes',
        key: `change:${specId}:${BigInt(NANOS_2) + 1n}`,
        value: { id: 'n2', spec_id: specId, decision_point: 'api_versioning', selected_option: 'path', context: 'internal', confidence: 0.9 },
      },
    ];
    const file = join(dir, 'nulls.ndjson');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const db = await openTemporalDb({ path: join(dir, 'nulls-kv'), clock: () => Date.UTC(2024, 1, 15) });
    expect(await importLegacy(db, 'kv', file)).toMatchObject({ specificationVersions: 1, patternVersions: 2, decisions: 2 });
    const spec = await db.getLatestSpecification('ADR', 'ADR-N');
    expect(spec).not.toHaveProperty('author');
    expect(spec!.metadata).toMatchObject({ legacy: { status: null } });
    const nullable = await db.getArchitecturalPattern(uuidv5('null-pattern', LEGACY_NAMESPACE));
    expect(nullable).toMatchObject({ patternName: 'Nullable', patternDefinition: null });
    for (const field of ['successRate', 'contextSimilarity', 'lastUsed']) expect(nullable).not.toHaveProperty(field);
    const bare = await db.getArchitecturalPattern(uuidv5('bare-pattern', LEGACY_NAMESPACE));
    expect(bare).toMatchObject({ patternDefinition: {} });
    for (const field of ['successRate', 'contextSimilarity', 'lastUsed']) expect(bare).not.toHaveProperty(field);
    const decisions = await db.getChanges({ identifier: 'ADR-N', changeType: 'Decision' });
    expect(decisions.map((c) => c.decision)).toEqual([
      { decisionPoint: 'api_versioning', selectedOption: 'header', context: 'public' },
      { decisionPoint: 'api_versioning', selectedOption: 'path', context: 'internal', confidence: 0.9 },
    ]);
    // The decision without confidence counts, but is not a selected one.
    expect((await db.analyzeDecisionPatterns(30))[0]).toMatchObject({ decisionPoint: 'api_versioning', totalDecisions: 2, selectedCount: 1 });
    const { recommendations } = await db.generateRecommendations({ dryRun: true, minimumConfidence: 0.3 });
    expect(recommendations.map((r) => [r.patternName, r.confidence])).toEqual([['Api Versioning', 0.5]]);
    await db.close();

    const sqliteFile = join(dir, 'nulls.sqlite');
    const sqlite = new Database(sqliteFile);
    sqlite.exec(`
      CREATE TABLE patterns (id TEXT PRIMARY KEY, pattern_name TEXT, pattern_type TEXT, pattern_definition TEXT, context_similarity REAL,
        usage_frequency INTEGER, success_rate REAL, last_used TEXT, examples TEXT, created_at TEXT);
      CREATE TABLE specifications (id TEXT PRIMARY KEY, spec_type TEXT, identifier TEXT, title TEXT, content TEXT, author TEXT, created_at TEXT);
      CREATE TABLE changes (id TEXT PRIMARY KEY, spec_id TEXT, change_type TEXT, author TEXT, timestamp TEXT, metadata TEXT);`);
    sqlite.prepare('INSERT INTO patterns VALUES (?,?,?,?,?,?,?,?,?,?)').run('7d5c1e9a-55b5-4e5f-8d1c-1d2e3f4a5b6c', 'Cache Aside', 'Infrastructure', null, null, 3, null, null, null, '2024-03-01T00:00:00');
    sqlite.prepare('INSERT INTO specifications VALUES (?,?,?,?,?,?,?)').run('s1', 'PRD', 'PRD-N', 'Nulls', 'c', '', '2024-03-01T00:00:00');
    sqlite.prepare('INSERT INTO changes VALUES (?,?,?,?,?,?)').run('d1', 's1', 'Decision', 'py', '2024-03-06T09:00:00', '{"decision_point":"engine","selected_option":"FTS","context":"offline","confidence":null}');
    sqlite.close();
    const fromSqlite = await openTemporalDb({ path: join(dir, 'nulls-sqlite'), clock: () => Date.UTC(2024, 2, 20) });
    await importLegacy(fromSqlite, 'sqlite', sqliteFile);
    const cache = await fromSqlite.getArchitecturalPattern('7d5c1e9a-55b5-4e5f-8d1c-1d2e3f4a5b6c');
    expect(cache).toMatchObject({ patternName: 'Cache Aside', usageFrequency: 3, patternDefinition: null, examples: [] });
    for (const field of ['successRate', 'contextSimilarity', 'lastUsed']) expect(cache).not.toHaveProperty(field);
    // An empty author is a value, kept as it was.
    expect((await fromSqlite.getLatestSpecification('PRD', 'PRD-N'))!.author).toBe('');
    const [change] = await fromSqlite.getChanges({ specId: 'PRD-N', changeType: 'Decision' });
    expect(change!.decision).toEqual({ decisionPoint: 'engine', selectedOption: 'FTS', context: 'offline' });
    await fromSqlite.close();
  });
});

describe("the Python adapter's SQLite fallback", () => {
  it('reads its tables, parses the JSON text columns and lands every field', async () => {
    const file = join(dir, 'fallback.sqlite');
    const sqlite = new Database(file);
    sqlite.exec(`
      CREATE TABLE specifications (id TEXT PRIMARY KEY, spec_type TEXT, identifier TEXT, version INTEGER, title TEXT, content TEXT,
        author TEXT, status TEXT, tags TEXT, matrix_ids TEXT, template_variables TEXT, metadata TEXT, created_at TEXT, updated_at TEXT);
      CREATE TABLE changes (id TEXT PRIMARY KEY, spec_id TEXT, change_type TEXT, field_changes TEXT, author TEXT, timestamp TEXT, metadata TEXT);
      CREATE TABLE patterns (id TEXT PRIMARY KEY, pattern_name TEXT, pattern_type TEXT, pattern_definition TEXT, context_similarity REAL,
        usage_frequency INTEGER, success_rate REAL, last_used TEXT, examples TEXT, created_at TEXT);`);
    const insertSpec = sqlite.prepare('INSERT INTO specifications VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
    insertSpec.run('s1', 'PRD', 'PRD-9', 1, 'Search', 'first', 'py', 'proposed', '["search"]', '["M-1"]', '{"owner":"ana"}', '{"k":1}', '2024-03-01T09:00:00', '2024-03-01T09:00:00');
    insertSpec.run('s2', 'PRD', 'PRD-9', 2, 'Search', 'second', 'py', 'accepted', '["search"]', '[]', '{}', '{}', '2024-03-01T09:00:00', '2024-03-05T09:00:00');
    sqlite.prepare('INSERT INTO changes VALUES (?,?,?,?,?,?,?)').run('d1', 's1', 'Decision', '{}', 'py', '2024-03-06T09:00:00', '{"decision_point":"engine","selected_option":"FTS","context":"offline","confidence":0.75}');
    sqlite.prepare('INSERT INTO patterns VALUES (?,?,?,?,?,?,?,?,?,?)').run('9d5c1e9a-55b5-4e5f-8d1c-1d2e3f4a5b6c', 'Cache Aside', 'Infrastructure', '{"intent":"cache reads"}', 0.2, 3, 0.5, '2024-03-02T00:00:00', '["product cache"]', '2024-03-01T00:00:00');
    sqlite.close();

    const db = await openTemporalDb({ path: join(dir, 'sqlite-store'), clock: () => Date.UTC(2024, 2, 20) });
    expect(await importLegacy(db, 'sqlite', file)).toEqual({ specificationVersions: 2, patternVersions: 1, decisions: 1, importedRecords: 0, skipped: 0 });
    const history = await db.getSpecificationHistory('PRD-9');
    expect(history.map((v) => [v.version, v.status, v.content])).toEqual([
      [1, 'proposed', 'first'],
      [2, 'accepted', 'second'],
    ]);
    expect(history[0]).toMatchObject({ specType: 'PRD', tags: ['search'], matrixIds: ['M-1'], templateVariables: { owner: 'ana' }, metadata: { k: 1 } });
    expect(await db.getArchitecturalPattern('9d5c1e9a-55b5-4e5f-8d1c-1d2e3f4a5b6c')).toMatchObject({
      patternName: 'Cache Aside',
      patternDefinition: { intent: 'cache reads' },
      examples: ['product cache'],
      usageFrequency: 3,
    });
    expect((await db.analyzeDecisionPatterns(30))[0]).toMatchObject({ decisionPoint: 'engine', contexts: ['offline'], selectedCount: 1 });
    expect((await importLegacy(db, 'sqlite', file)).skipped).toBe(4);
    await db.close();
  });
});

describe("the Python adapter's JSON-file fallback", () => {
  it('keeps every file as a record of its own kind', async () => {
    const folder = join(dir, 'json');
    mkdirSync(folder);
    writeFileSync(join(folder, 'prompt_analysis_1709283600_a1.json'), JSON.stringify({ id: 'a1', score: 0.8 }));
    writeFileSync(join(folder, 'optimization_session_20240301_101500_s9.json'), JSON.stringify({ id: 's9', steps: ['x'] }));
    writeFileSync(join(folder, 'notes.txt'), 'not a record');
    const db = await openTemporalDb({ path: join(dir, 'json-store') });
    expect((await importLegacy(db, 'json-dir', folder)).importedRecords).toBe(2);
    expect(await db.getImportedRecords({ kind: 'prompt_analysis' })).toMatchObject([
      { id: 'a1', timestamp: 1709283600000, source: 'prompt_analysis_1709283600_a1.json', data: { id: 'a1', score: 0.8 } },
    ]);
    expect(await db.getImportedRecords({ kind: 'optimization_session' })).toMatchObject([
      { id: 's9', timestamp: Date.parse('2024-03-01T10:15:00Z'), data: { id: 's9', steps: ['x'] } },
    ]);
    // The file's content is kept as it was: the time from its name is not added to it.
    const [analysis] = await db.getImportedRecords({ kind: 'prompt_analysis' });
    expect(analysis!.data).toEqual({ id: 'a1', score: 0.8 });
    expect((await importLegacy(db, 'json-dir', folder)).importedRecords).toBe(0);
    await db.close();
  });
});
