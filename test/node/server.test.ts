// Every route of the service, through real HTTP on 127.0.0.1: the same results as the library, the same error codes.
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TemporalDbError, type TemporalDb } from '../../src/lmdb.js';
import { createTemporalDbServer } from '../../src/server.js';
import { adr, serve, type Served } from './server-harness.js';
import { exportLines } from '../../src/interchange.js';

let s: Served;
beforeAll(async () => {
  s = await serve();
});
afterAll(async () => {
  await s.stop();
});

const exportRecords = (text: string) => text.split('\n').filter(Boolean).slice(1);
const enc = encodeURIComponent;

describe('specifications', () => {
  it('stores one version and reads it back: latest, by version, as of, by type, history, list', async () => {
    const v1 = await s.call('POST', '/v1/specifications', { json: adr('ADR-001', { timestamp: '2026-01-01' }) });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ identifier: 'ADR-001', version: 1, status: 'proposed' });
    expect(v1.headers.get('location')).toBe('/v1/specifications/ADR-001?version=1');
    const v2 = await s.call('POST', '/v1/specifications', { json: adr('ADR-001', { status: 'accepted', timestamp: '2026-02-01' }) });
    expect(v2.body.version).toBe(2);

    expect((await s.call('GET', '/v1/specifications/ADR-001')).body).toEqual(v2.body);
    expect((await s.call('GET', '/v1/specifications/ADR-001?version=1')).body).toEqual(v1.body);
    expect((await s.call('GET', '/v1/specifications/ADR-001?asOf=2026-01-15')).body).toEqual(v1.body);
    expect((await s.call('GET', `/v1/specifications/ADR-001?asOf=${Date.UTC(2026, 1, 2)}`)).body).toEqual(v2.body);
    expect((await s.call('GET', '/v1/specifications/ADR-001?specType=ADR')).body).toEqual(v2.body);
    expect((await s.call('GET', '/v1/specifications/ADR-001?specType=PRD')).status).toBe(404);
    expect((await s.call('GET', '/v1/specifications/ADR-001?specType=PRD&version=1')).status).toBe(404);
    expect((await s.call('GET', '/v1/specifications/ADR-001?asOf=2025-12-01')).body.error.code).toBe('NOT_FOUND');

    const history = await s.call('GET', '/v1/specifications/ADR-001/history');
    expect(history.body).toEqual([v1.body, v2.body]);
    expect((await s.call('GET', '/v1/specifications/nothing-here/history')).body).toEqual([]);

    await s.call('POST', '/v1/specifications', { json: { ...adr('PRD-1'), specType: 'PRD', timestamp: '2026-03-01' } });
    const all = await s.call('GET', '/v1/specifications');
    expect(all.body).toEqual(await s.db.listSpecifications());
    expect(all.body.map((x: { identifier: string }) => x.identifier)).toEqual(expect.arrayContaining(['ADR-001', 'PRD-1']));
    expect((await s.call('GET', '/v1/specifications?specType=PRD')).body.map((x: { identifier: string }) => x.identifier)).toEqual(['PRD-1']);
    const before = await s.call('GET', '/v1/specifications?asOf=2026-01-15');
    expect(before.body).toEqual(await s.db.listSpecifications({ asOf: '2026-01-15' }));
    expect(before.body.find((x: { identifier: string }) => x.identifier === 'ADR-001').version).toBe(1);
  });

  it('stores many in one atomic call, and writes nothing when one of them is invalid', async () => {
    const many = await s.call('POST', '/v1/specifications', { json: [adr('BULK-1'), adr('BULK-1', { status: 'accepted' }), adr('BULK-2')] });
    expect(many.status).toBe(201);
    expect(many.body.map((x: { identifier: string; version: number }) => [x.identifier, x.version])).toEqual([
      ['BULK-1', 1],
      ['BULK-1', 2],
      ['BULK-2', 1],
    ]);
    const before = await s.db.statistics();
    const bad = await s.call('POST', '/v1/specifications', { json: [adr('BULK-3'), adr('BULK-4', { title: '' })] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', path: [1, 'title'] });
    expect(await s.db.statistics()).toEqual(before);
    expect((await s.call('GET', '/v1/specifications/BULK-3')).status).toBe(404);
  });

  it('names specifications by identifier in the URL, with / and unicode percent-encoded', async () => {
    const identifier = 'docs/ADR 7 — café ☕?#%';
    const stored = await s.call('POST', '/v1/specifications', { json: adr(identifier) });
    expect(stored.status).toBe(201);
    expect(stored.headers.get('location')).toBe(`/v1/specifications/${enc(identifier)}?version=1`);
    expect((await s.call('GET', stored.headers.get('location')!)).body).toEqual(stored.body);
    expect((await s.call('GET', `/v1/specifications/${enc(identifier)}`)).body.identifier).toBe(identifier);
    expect((await s.call('GET', `/v1/specifications/${enc(identifier)}/history`)).body).toHaveLength(1);
    // The raw `/` is a path separator, so the unencoded identifier names no route.
    expect((await s.call('GET', '/v1/specifications/docs/ADR-7')).status).toBe(404);
    const deleted = await s.call('DELETE', `/v1/specifications/${enc(identifier)}`);
    expect(deleted.body).toMatchObject({ changeType: 'Delete', identifier });
  });

  it('deletes with an optional body, keeps the history, and reports a second delete as NOT_FOUND', async () => {
    await s.call('POST', '/v1/specifications', { json: adr('ADR-DEL', { timestamp: '2026-01-01' }) });
    const deleted = await s.call('DELETE', '/v1/specifications/ADR-DEL', { json: { author: 'ana', reason: 'merged', timestamp: '2026-01-02' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ changeType: 'Delete', identifier: 'ADR-DEL', author: 'ana', reason: 'merged', version: 2 });
    expect((await s.call('GET', '/v1/specifications/ADR-DEL')).status).toBe(404);
    expect((await s.call('GET', '/v1/specifications/ADR-DEL?version=1')).body.version).toBe(1);
    const again = await s.call('DELETE', '/v1/specifications/ADR-DEL');
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 'NOT_FOUND', path: ['identifier'] });
    const badBody = await s.call('DELETE', '/v1/specifications/ADR-001', { json: { author: 7 } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.path).toEqual(['author']);
    expect((await s.call('GET', '/v1/specifications/ADR-001')).status).toBe(200);
  });

  it('reports validation errors with every issue and its path, and writes nothing', async () => {
    const before = await s.db.statistics();
    const bad = await s.call('POST', '/v1/specifications', { json: { specType: 'XYZ', identifier: 'ADR-9', title: '', content: 'c', tags: ['a', 2] } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    expect(bad.body.error.path).toEqual(['specType']);
    expect(bad.body.error.issues.map((issue: { path: unknown[] }) => issue.path)).toEqual([['specType'], ['title'], ['tags', 1]]);
    expect(bad.body.error.message).toMatch(/^Invalid input at specType: .* \(and 2 more\)$/);
    expect(await s.db.statistics()).toEqual(before);
  });

  it('reports query parameters by their name: mistyped, unknown or repeated', async () => {
    const version = await s.call('GET', '/v1/specifications/ADR-001?version=two');
    expect(version.status).toBe(400);
    expect(version.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['query', 'version'] });
    const both = await s.call('GET', '/v1/specifications/ADR-001?version=1&asOf=2026-01-01');
    expect(both.body.error.path).toEqual(['query', 'asOf']);
    const asOf = await s.call('GET', '/v1/specifications?asOf=last-tuesday');
    expect(asOf.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['query', 'asOf'] });
    expect(asOf.body.error.message).toContain('query.asOf');
    const unknown = await s.call('GET', '/v1/specifications?as_of=2026-01-01');
    expect(unknown.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['query', 'as_of'] });
    expect(unknown.body.error.message).toContain('specType, asOf');
    expect((await s.call('GET', '/v1/specifications?specType=ADR&specType=PRD')).body.error.path).toEqual(['query', 'specType']);
    const identifier = await s.call('GET', `/v1/specifications/${'x'.repeat(2000)}`);
    expect(identifier.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['identifier'] });
  });

  it('maps OUT_OF_ORDER and SPEC_TYPE_MISMATCH to 409', async () => {
    await s.call('POST', '/v1/specifications', { json: adr('ADR-ORDER', { timestamp: '2026-05-01' }) });
    const early = await s.call('POST', '/v1/specifications', { json: adr('ADR-ORDER', { timestamp: '2026-04-01' }) });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('OUT_OF_ORDER');
    const retyped = await s.call('POST', '/v1/specifications', { json: { ...adr('ADR-ORDER'), specType: 'PRD' } });
    expect(retyped.status).toBe(409);
    expect(retyped.body.error.code).toBe('SPEC_TYPE_MISMATCH');
  });

  it('answers an unknown route with 404, a wrong method with 405, a body that is not JSON with 400 and a wrong type with 415', async () => {
    const missing = await s.call('GET', '/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect((await s.call('GET', '/')).status).toBe(404);
    const method = await s.call('PUT', '/v1/specifications');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, POST');
    expect(method.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const notJson = await s.call('POST', '/v1/specifications', { body: '{"specType":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'INVALID_INPUT', path: [] });
    const form = await s.call('POST', '/v1/specifications', { body: 'specType=ADR', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badEncoding = await s.call('GET', '/v1/specifications/%E0%A4%A');
    expect(badEncoding.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['path'] });
  });
});

describe('changes, decisions, decision points, analysis', () => {
  it('filters changes as getChanges does', async () => {
    const queries: Array<[string, Parameters<typeof s.db.getChanges>[0]]> = [
      ['', {}],
      ['?specId=ADR-001', { specId: 'ADR-001' }],
      ['?identifier=ADR-001&changeType=Update', { identifier: 'ADR-001', changeType: 'Update' }],
      ['?since=2026-01-15&until=2026-02-15', { since: '2026-01-15', until: '2026-02-15' }],
      ['?limit=2&newestFirst=true', { limit: 2, newestFirst: true }],
      ['?specId=nothing', { specId: 'nothing' }],
    ];
    for (const [query, filters] of queries) {
      const answer = await s.call('GET', `/v1/changes${query}`);
      expect(answer.status, query).toBe(200);
      expect(answer.body, query).toEqual(await s.db.getChanges(filters));
    }
    expect((await s.call('GET', '/v1/changes?identifier=ADR-001&changeType=Update')).body).toHaveLength(1);
    expect((await s.call('GET', '/v1/changes?changeType=Rename')).body.error.path).toEqual(['query', 'changeType']);
    expect((await s.call('GET', '/v1/changes?newestFirst=maybe')).body.error.path).toEqual(['query', 'newestFirst']);
  });

  it('records decisions, one or many, with the library’s errors', async () => {
    const decision = { specId: 'ADR-001', decisionPoint: 'storage', selectedOption: 'LMDB', context: 'embedded', author: 'ana', confidence: 0.9 };
    const one = await s.call('POST', '/v1/decisions', { json: decision });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ changeType: 'Decision', identifier: 'ADR-001', decision: { decisionPoint: 'storage', selectedOption: 'LMDB' } });
    const many = await s.call('POST', '/v1/decisions', { json: [decision, { ...decision, selectedOption: 'SQLite', confidence: 0.4 }] });
    expect(many.status).toBe(201);
    expect(many.body).toHaveLength(2);
    const unknown = await s.call('POST', '/v1/decisions', { json: { ...decision, specId: 'ADR-404' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', path: ['specId'] });
    const bad = await s.call('POST', '/v1/decisions', { json: [decision, { ...decision, confidence: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toEqual([1, 'confidence']);
    expect((await s.call('GET', '/v1/changes?changeType=Decision')).body).toHaveLength(3);
  });

  it('stores decision points and reads them back', async () => {
    const point = {
      identifier: 'ADR-001',
      decisionPoint: 'queue',
      context: 'async work',
      options: [{ optionName: 'Kafka', selected: true, selectionRationale: 'scale' }, { optionName: 'SQS' }],
      confidence: 0.8,
    };
    const stored = await s.call('POST', '/v1/decision-points', { json: point });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ identifier: 'ADR-001', decisionPoint: 'queue' });
    expect((await s.call('GET', '/v1/decision-points?identifier=ADR-001')).body).toEqual([stored.body]);
    expect((await s.call('GET', '/v1/decision-points?decisionPoint=queue&asOf=2000-01-01')).body).toEqual([]);
    const none = await s.call('GET', '/v1/decision-points');
    expect(none.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['query', 'specId'] });
    const twoSelected = await s.call('POST', '/v1/decision-points', { json: { ...point, options: [{ optionName: 'A', selected: true }, { optionName: 'B', selected: true }] } });
    expect(twoSelected.body.error.path).toEqual(['options']);
  });

  it('analyses decision patterns as analyzeDecisionPatterns does (30 days unless lookbackDays)', async () => {
    const analysis = await s.call('GET', '/v1/analysis/decision-patterns');
    expect(analysis.status).toBe(200);
    expect(analysis.body).toEqual(await s.db.analyzeDecisionPatterns(30));
    expect(analysis.body.map((a: { decisionPoint: string }) => a.decisionPoint).sort()).toEqual(['queue', 'storage']);
    expect((await s.call('GET', '/v1/analysis/decision-patterns?lookbackDays=0.5')).body).toEqual(await s.db.analyzeDecisionPatterns(0.5));
    const bad = await s.call('GET', '/v1/analysis/decision-patterns?lookbackDays=-3');
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['query', 'lookbackDays'] });
  });
});

describe('recommendations', () => {
  it('generates (dry run, then stored), lists, and takes feedback', async () => {
    const dry = await s.call('POST', '/v1/recommendations/generate', { json: { dryRun: true, minimumConfidence: 0.3 } });
    expect(dry.status).toBe(200);
    expect(dry.body.regenerated).toBe(false);
    expect(dry.body.recommendations.length).toBeGreaterThan(0);
    expect((await s.call('GET', '/v1/recommendations')).body).toEqual([]);

    const generated = await s.call('POST', '/v1/recommendations/generate', { json: { minimumConfidence: 0.3 } });
    expect(generated.body.regenerated).toBe(true);
    const listed = await s.call('GET', '/v1/recommendations?limit=10');
    expect(listed.body).toEqual(await s.db.getPatternRecommendations({ limit: 10 }));
    expect(listed.body.length).toBe(generated.body.recommendations.length);

    const id = listed.body[0].id as string;
    const feedback = await s.call('POST', `/v1/recommendations/${enc(id)}/feedback`, { json: { action: 'dismiss', reason: 'not for us' } });
    expect(feedback.status).toBe(200);
    expect(feedback.body.feedback).toEqual([expect.objectContaining({ action: 'dismiss', reason: 'not for us' })]);
    const unknown = await s.call('POST', '/v1/recommendations/no-such-id/feedback', { json: { action: 'accept' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', path: ['id'] });
    const badAction = await s.call('POST', `/v1/recommendations/${enc(id)}/feedback`, { json: { action: 'maybe' } });
    expect(badAction.body.error.path).toEqual(['action']);
    const badOptions = await s.call('POST', '/v1/recommendations/generate', { json: { lookbackDays: 0 } });
    expect(badOptions.body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['lookbackDays'] });
    expect((await s.call('GET', '/v1/recommendations?limit=0')).body.error.path).toEqual(['query', 'limit']);
    const notAnObject = await s.call('POST', '/v1/recommendations/generate', { json: [1] });
    expect(notAnObject.body.error).toMatchObject({ code: 'INVALID_INPUT', path: [] });
  });
});

describe('patterns and imported records', () => {
  it('stores patterns, reads them as of, lists history, records uses and finds similar ones', async () => {
    const stored = await s.call('POST', '/v1/patterns', {
      json: { patternName: 'Repository Pattern', patternType: 'Application', patternDefinition: { intent: 'data access behind a collection interface' } },
    });
    expect(stored.status).toBe(201);
    const id = stored.body.id as string;
    expect(stored.headers.get('location')).toBe(`/v1/patterns/${id}`);
    expect((await s.call('GET', `/v1/patterns/${id}`)).body).toEqual(stored.body);
    expect((await s.call('GET', `/v1/patterns/${id}?asOf=2000-01-01`)).status).toBe(404);
    const used = await s.call('POST', `/v1/patterns/${id}/uses`);
    expect(used.status).toBe(201);
    expect(used.body).toMatchObject({ id, version: 2, usageFrequency: 1 });
    expect((await s.call('GET', `/v1/patterns/${id}/history`)).body.map((p: { version: number }) => p.version)).toEqual([1, 2]);
    const similar = await s.call('GET', `/v1/patterns/similar?context=${enc('a collection interface for data access')}&similarityThreshold=0.1&lookbackDays=30`);
    expect(similar.status).toBe(200);
    expect(similar.body).toEqual(await s.db.getSimilarPatterns('a collection interface for data access', 0.1, 30));
    expect(similar.body[0].pattern.id).toBe(id);
    const badThreshold = await s.call('GET', '/v1/patterns/similar?context=x&similarityThreshold=2&lookbackDays=30');
    expect(badThreshold.body.error.path).toEqual(['query', 'similarityThreshold']);
    expect((await s.call('GET', '/v1/patterns/not-a-uuid')).body.error).toMatchObject({ code: 'INVALID_INPUT', path: ['id'] });
    const unknown = await s.call('POST', '/v1/patterns/00000000-0000-7000-8000-000000000000/uses');
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', path: ['id'] });
  });

  it('keeps imported records once and reads them by kind', async () => {
    const record = { kind: 'prompt_analysis', id: 'pa-1', timestamp: '2026-01-02', source: 'a.json', data: { score: 0.7 } };
    expect((await s.call('POST', '/v1/imported-records', { json: [record] })).body).toEqual({ added: 1 });
    expect((await s.call('POST', '/v1/imported-records', { json: [record] })).body).toEqual({ added: 0 });
    const read = await s.call('GET', '/v1/imported-records?kind=prompt_analysis&since=2026-01-01');
    expect(read.body).toEqual(await s.db.getImportedRecords({ kind: 'prompt_analysis' }));
    expect(read.body).toHaveLength(1);
    expect((await s.call('POST', '/v1/imported-records', { json: [{ ...record, kind: '' }] })).body.error.path).toEqual([0, 'kind']);
    expect((await s.call('POST', '/v1/imported-records', { json: { record } })).body.error.path).toEqual([]);
    expect((await s.call('GET', '/v1/imported-records')).body.error.path).toEqual(['query', 'kind']);
  });
});

describe('connections', () => {
  it('keeps an idle connection longer than a client pool does, so the client, not the service, closes it (announced in Keep-Alive)', async () => {
    const answer = await s.call('GET', '/v1/health');
    expect(answer.status).toBe(200);
    // undici's fetch keeps a connection for the announced timeout less 1 s; browsers for under a minute.
    expect(answer.headers.get('keep-alive')).toBe('timeout=65');
  });
});

describe('the whole store', () => {
  it('reports health and statistics', async () => {
    expect((await s.call('GET', '/v1/health')).body).toEqual({ status: 'ok', backend: 'lmdb' });
    expect((await s.call('GET', '/v1/statistics')).body).toEqual(await s.db.statistics());
  });

  it('streams the export as NDJSON, which the import route of another service takes whole', async () => {
    const exported = await s.call('GET', '/v1/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines: string[] = [];
    for await (const line of exportLines(s.db)) lines.push(line);
    expect(exportRecords(exported.text)).toEqual(exportRecords(lines.join('')));
    expect(exported.text.endsWith('\n')).toBe(true);

    const other = await serve();
    try {
      const wrongType = await other.call('POST', '/v1/import', { body: exported.text, headers: { 'content-type': 'application/json' } });
      expect(wrongType.status).toBe(415);
      const imported = await other.call('POST', '/v1/import', { body: exported.text, headers: { 'content-type': 'application/x-ndjson' } });
      expect(imported.status).toBe(200);
      expect(imported.body.added.specifications).toBe((await s.db.statistics()).versions);
      const again = await other.call('POST', '/v1/import', { body: exported.text, headers: { 'content-type': 'application/x-ndjson' } });
      expect(Object.values(again.body.added)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(exportRecords((await other.call('GET', '/v1/export')).text)).toEqual(exportRecords(exported.text));

      const broken = exported.text.replace('"table":"specifications"', '"table":"nope"');
      const refused = await other.call('POST', '/v1/import', { body: broken, headers: { 'content-type': 'application/x-ndjson' } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_INPUT' });
      expect(refused.body.error.path.slice(0, 2)).toEqual(['line', 2]);
    } finally {
      await other.stop();
    }
  });

  it('answers 503 DATABASE_CLOSED once the store is closed', async () => {
    const closed = await serve();
    await closed.db.close();
    const answer = await closed.call('GET', '/v1/specifications');
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('DATABASE_CLOSED');
    await closed.stop();
  });

  it('answers a storage failure or a bug with a 500 that holds none of its details', async () => {
    const failing = {
      backendKind: 'lmdb',
      statistics: async () => {
        throw new TemporalDbError('STORAGE_ERROR', 'MDB_CORRUPTED in /srv/secret/data.mdb', { cause: new Error('raw') });
      },
      listSpecifications: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'secret')");
      },
    } as unknown as TemporalDb;
    const server = createTemporalDbServer(failing);
    const { url } = await server.listen({ port: 0 });
    try {
      const storage = await fetch(`${url}/v1/statistics`);
      expect(storage.status).toBe(500);
      const storageText = await storage.text();
      expect(JSON.parse(storageText).error.code).toBe('STORAGE_ERROR');
      expect(storageText).not.toContain('secret');
      const bug = await fetch(`${url}/v1/specifications`);
      expect(bug.status).toBe(500);
      const bugText = await bug.text();
      expect(JSON.parse(bugText).error.code).toBe('INTERNAL');
      expect(bugText).not.toContain('secret');
    } finally {
      await server.close();
    }
  });
});

describe('a large export', () => {
  it('streams with backpressure to a slow reader, and stops when the client goes away', async () => {
    const big = await serve();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const content = 'x'.repeat(4000);
      for (let batch = 0; batch < 4; batch++) {
        await big.db.storeSpecifications(Array.from({ length: 500 }, (_, i) => adr(`BIG-${batch}-${i}`, { content })));
      }
      const response = await fetch(`${big.url}/v1/export`);
      const reader = response.body!.getReader();
      let text = '';
      const decoder = new TextDecoder();
      for (let chunks = 0; ; chunks++) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        // A slow reader: the server's writes fill the socket and wait for it to drain.
        if (chunks % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(text.split('\n').filter(Boolean)).toHaveLength(1 + 2000 + 2000);

      const abandoned = await fetch(`${big.url}/v1/export`);
      const partial = abandoned.body!.getReader();
      await partial.read();
      await partial.cancel();
      // close() waits for every request in flight: it resolves only because the abandoned export ended.
      await big.server.close();
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await big.stop();
    }
  });

  it('lets other requests in between its chunks while a reader takes every byte at once', async () => {
    const big = await serve();
    try {
      const content = 'x'.repeat(4000);
      for (let batch = 0; batch < 2; batch++) {
        await big.db.storeSpecifications(Array.from({ length: 250 }, (_, i) => adr(`BIG-${batch}-${i}`, { content })));
      }
      const events: string[] = [];
      const exported = new Promise<void>((resolve, reject) => {
        get(`${big.url}/v1/export`, (res) => {
          res.once('data', () => {
            events.push('export started');
            void fetch(`${big.url}/v1/health`).then((health) => events.push(`health ${health.status}`));
          });
          res.on('end', () => resolve(void events.push('export ended')));
          res.resume();
        }).on('error', reject);
      });
      await exported;
      await vi.waitFor(() => expect(events).toHaveLength(3));
      expect(events).toEqual(['export started', 'health 200', 'export ended']);
    } finally {
      await big.stop();
    }
  });
});
