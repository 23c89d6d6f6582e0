import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built command line, as users run it (npm test builds it first).
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'temporal-db-cli-'));
const db = join(dir, 'store');

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd: dir });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const json = (args: string[], input?: string) => {
  const result = run([...args, '--db', db, '--json'], input);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('temporal-db command line', () => {
  it('stores, shows, lists history and changes, analyzes, as JSON and as text', () => {
    expect(run(['init', '--db', db]).code).toBe(0);
    const spec = { specType: 'ADR', identifier: 'ADR-1', title: 'CLI', content: 'one', timestamp: '2026-01-01T00:00:00Z' };
    const v1 = json(['store'], JSON.stringify(spec));
    json(['store'], JSON.stringify({ ...spec, content: 'two', status: 'accepted', timestamp: '2026-02-01T00:00:00Z' }));
    json(['decide'], JSON.stringify({ specId: v1.specId, decisionPoint: 'cli', selectedOption: 'yes', context: 'scripts', author: 'a', confidence: 0.9 }));
    expect(json(['show', 'ADR-1']).version).toBe(2);
    expect(json(['show', 'ADR-1', '--as-of', '2026-01-15']).content).toBe('one');
    expect(json(['show', 'ADR-1', '--version', '1']).content).toBe('one');
    expect(json(['history', 'ADR-1']).map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(json(['changes', '--spec', v1.specId, '--type', 'Update']).length).toBe(1);
    expect(json(['changes', '--since', '2026-01-15']).map((c: { changeType: string }) => c.changeType)).toEqual(['Update', 'Decision']);
    expect(json(['analyze', '--lookback', '36500'])[0]).toMatchObject({ decisionPoint: 'cli', totalDecisions: 1 });
    const status = json(['status']);
    expect(status).toMatchObject({ specifications: 1, versions: 2, changes: 3, decisions: 1 });
    expect(status.lastChange.changeType).toBe('Decision');
    const text = run(['history', 'ADR-1', '--db', db]);
    expect(text.stdout).toMatch(/^v1 {2}2026-01-01T00:00:00Z {2}proposed/m);
  });

  it('exports to a file, imports it elsewhere once, and backs up while open', () => {
    const file = join(dir, 'export.ndjson');
    const exported = run(['export', file, '--db', db]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(`Exported 6 lines to ${file}\n`);
    expect(exported.stderr).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).toMatchObject({ format: 'temporal-db', formatVersion: 1 });
    const other = join(dir, 'other');
    const first = JSON.parse(run(['import', file, '--db', other, '--json']).stdout);
    expect(first.added).toEqual({ specifications: 2, patterns: 0, changes: 3, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
    const second = JSON.parse(run(['import', file, '--db', other, '--json']).stdout);
    expect(second.added).toEqual({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });
    const toStdout = run(['export', '--db', other]);
    expect(toStdout.stdout.split('\n').slice(1)).toEqual(readFileSync(file, 'utf8').split('\n').slice(1));
    const backup = join(dir, 'backup');
    expect(run(['backup', backup, '--db', db]).code).toBe(0);
    expect(JSON.parse(run(['show', 'ADR-1', '--db', backup, '--json']).stdout).version).toBe(2);
  });

  it('exits 2 on bad usage, 1 on errors with a one-line message, 0 on --help', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    expect(run(['show', '--db', db]).code).toBe(2);
    expect(run(['show', 'ADR-1', '--bogus', '--db', db]).code).toBe(2);
    expect(run(['analyze', '--lookback', 'soon', '--db', db]).code).toBe(2);
    const missing = run(['show', 'ADR-404', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const invalid = run(['store', '--db', db], JSON.stringify({ specType: 'XYZ' }));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/\[INVALID_INPUT\]$/m);
    expect(run(['import', join(dir, 'nope.ndjson'), '--db', db]).code).toBe(1);
    for (const command of ['init', 'status', 'list', 'store', 'decide', 'delete', 'show', 'history', 'diff', 'changes', 'analyze', 'export', 'import', 'import-legacy', 'import-adr', 'recommend', 'backup']) {
      const help = run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: temporal-db ${command}`));
    }
    expect(run(['import-legacy', 'zip', 'x', '--db', db]).code).toBe(2);
    expect(run([]).code).toBe(2);
    expect(run(['--help']).stdout).toMatch(/Commands:/);
  });

  it('imports ADR files and legacy stores', () => {
    const adrs = join(dir, 'adrs');
    mkdirSync(adrs);
    writeFileSync(join(adrs, '0001-use-cli.md'), '# 1. Use the CLI\n\nDate: 2024-05-01\n\n## Status\n\nAccepted\n');
    const imported = JSON.parse(run(['import-adr', adrs, '--db', db, '--json']).stdout);
    expect(imported).toMatchObject({ files: 1, stored: 1 });
    expect(JSON.parse(run(['show', 'ADR-0001', '--db', db, '--json']).stdout)).toMatchObject({ status: 'accepted', title: '1. Use the CLI' });
    const kv = join(dir, 'kv.ndjson');
    writeFileSync(kv, JSON.stringify({ table: 'specifications', key: 'spec:TS-1:1714000000000000001', value: { spec_type: 'TS', identifier: 'TS-1', title: 'T', content: 'c', status: 'Draft' } }) + '\n');
    expect(JSON.parse(run(['import-legacy', 'kv', kv, '--db', db, '--json']).stdout)).toMatchObject({ specificationVersions: 1 });
    expect(run(['import-legacy', 'kv', join(dir, 'missing.ndjson'), '--db', db]).code).toBe(1);
  });

  it('recommends patterns from decisions and takes feedback', () => {
    const store = join(dir, 'recommend');
    const spec = JSON.parse(run(['store', '--db', store, '--json'], JSON.stringify({ specType: 'ADR', identifier: 'ADR-9', title: 't', content: 'c' })).stdout);
    for (let i = 0; i < 3; i++) {
      const decision = { specId: spec.specId, decisionPoint: 'message-queue', selectedOption: 'kafka', context: `ctx ${i}`, author: 'a', confidence: 0.9 };
      expect(run(['decide', '--db', store], JSON.stringify(decision)).code).toBe(0);
    }
    const dry = JSON.parse(run(['recommend', '--dry-run', '--db', store]).stdout);
    expect(dry.generated).toHaveLength(1);
    expect(dry.existing).toEqual([]);
    const first = JSON.parse(run(['recommend', '--db', store]).stdout);
    expect(first.generated[0]).toMatchObject({ patternName: 'Message-Queue', decisionPoint: 'message-queue', confidence: 0.98 });
    expect(first.existing).toHaveLength(1);
    const id = first.generated[0].id;
    const dismissed = JSON.parse(run(['recommend', '--feedback-action', 'dismiss', '--feedback-id', id, '--feedback-reason', 'no', '--db', store]).stdout);
    expect(dismissed.feedback.feedback).toMatchObject([{ action: 'dismiss', reason: 'no' }]);
    expect(dismissed.generated).toEqual([]);
    expect(run(['recommend', '--feedback-action', 'accept', '--feedback-id', 'nope', '--db', store]).code).toBe(1);
    expect(run(['recommend', '--feedback-action', 'accept', '--db', store]).code).toBe(2);
  });

  it('serves the Python example, which reads and writes through --json', () => {
    const store = join(dir, 'python');
    const result = spawnSync('python3', [join(root, 'examples/python/example.py'), store], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      versions: [1, 2],
      latest: { version: 2, status: 'accepted' },
      asOfVersion: 1,
      missing: null,
      changes: ['Create', 'Update', 'Decision', 'Decision', 'Decision'],
      analysis: [{ total: 3, selected: 2 }],
      feedback: ['accept'],
      refused: { code: 'INVALID_INPUT', path: ['specType'] },
    });
  });
});
