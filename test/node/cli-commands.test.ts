import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLine, requireBuild, root, run, tempDir } from './cli-harness.js';

const dir = tempDir('cli-commands');
const db = join(dir, 'store');
const json = (args: string[], input?: string) => {
  const result = run([...args, '--db', db, '--json'], input === undefined ? {} : { input });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
const adr = { specType: 'ADR', identifier: 'ADR-001', title: 'Use LMDB', content: 'We use LMDB.\nIt is fast.\nIt is embedded.', author: 'ana', timestamp: '2026-01-01T00:00:00Z' };

beforeAll(() => {
  requireBuild();
  json(['store'], JSON.stringify(adr));
  json(['store'], JSON.stringify({ ...adr, title: 'Use LMDB in Node', status: 'accepted', tags: ['storage'], content: 'We use LMDB.\nIt is fast and durable.\nIt is embedded.\nBrowsers use IndexedDB.', timestamp: '2026-02-01T00:00:00Z' }));
  json(['store'], JSON.stringify({ specType: 'PRD', identifier: 'PRD-001', title: 'Offline', content: 'works offline', timestamp: '2026-03-01T00:00:00Z' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('temporal-db --version and help', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const result = run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(JSON.parse(run(['--version', '--json']).stdout)).toEqual({ version });
  });

  it('help lists every command, and `help <command>` is that command\'s help', () => {
    const help = run(['--help']).stdout;
    for (const command of ['list', 'delete', 'diff', 'show', 'import']) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
    const diff = run(['help', 'diff']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^Usage: temporal-db diff <identifier> <v1> <v2> \[options\]/);
    expect(run(['help', 'nope']).code).toBe(2);
  });
});

describe('global options', () => {
  it('may come before the command', () => {
    const result = run(['--db', db, '--json', 'list', '--type', 'PRD']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).map((s: { identifier: string }) => s.identifier)).toEqual(['PRD-001']);
    expect(run(['--json', '--version']).stdout).toMatch(/^\{"version":/);
  });
});

describe('temporal-db init', () => {
  it('says whether it created the store', () => {
    const path = join(dir, 'fresh');
    expect(JSON.parse(run(['init', '--db', path, '--json']).stdout)).toEqual({ path, created: true });
    expect(JSON.parse(run(['init', '--db', path, '--json']).stdout)).toEqual({ path, created: false });
  });
});

describe('temporal-db list', () => {
  it('lists the current version of every specification, by --type and --as-of', () => {
    expect(json(['list']).map((s: { identifier: string; version: number }) => [s.identifier, s.version])).toEqual([['ADR-001', 2], ['PRD-001', 1]]);
    expect(json(['list', '--type', 'PRD']).map((s: { identifier: string }) => s.identifier)).toEqual(['PRD-001']);
    expect(json(['list', '--as-of', '2026-01-15']).map((s: { identifier: string; version: number }) => [s.identifier, s.version])).toEqual([['ADR-001', 1]]);
    const text = run(['list', '--db', db]).stdout;
    expect(text).toMatch(/^ADR-001 +v2 +ADR +accepted +2026-02-01T00:00:00Z +Use LMDB in Node$/m);
    expect(run(['list', '--as-of', '2025-01-01', '--db', db]).stdout).toBe('No specifications\n');
  });
});

describe('temporal-db diff', () => {
  it('shows the changed fields and a unified diff of the content', () => {
    const result = run(['diff', 'ADR-001', '1', '2', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        '--- ADR-001 v1  2026-01-01T00:00:00Z',
        '+++ ADR-001 v2  2026-02-01T00:00:00Z',
        'title: "Use LMDB" -> "Use LMDB in Node"',
        'status: "proposed" -> "accepted"',
        'tags: [] -> ["storage"]',
        '@@ -1,3 +1,4 @@',
        ' We use LMDB.',
        '-It is fast.',
        '+It is fast and durable.',
        ' It is embedded.',
        '+Browsers use IndexedDB.',
        '',
      ].join('\n'),
    );
  });

  it('--json gives the fields and hunks as data', () => {
    const diff = json(['diff', 'ADR-001', 'v1', 'v2']);
    expect(diff.from).toMatchObject({ version: 1 });
    expect(diff.to).toMatchObject({ version: 2 });
    expect(diff.fields).toEqual({ title: { from: 'Use LMDB', to: 'Use LMDB in Node' }, status: { from: 'proposed', to: 'accepted' }, tags: { from: [], to: ['storage'] } });
    expect(diff.content).toEqual([
      {
        fromStart: 1,
        fromCount: 3,
        toStart: 1,
        toCount: 4,
        lines: [
          { op: 'equal', text: 'We use LMDB.' },
          { op: 'delete', text: 'It is fast.' },
          { op: 'insert', text: 'It is fast and durable.' },
          { op: 'equal', text: 'It is embedded.' },
          { op: 'insert', text: 'Browsers use IndexedDB.' },
        ],
      },
    ]);
  });

  it('says so when two versions are the same, and fails on a version that does not exist', () => {
    expect(run(['diff', 'ADR-001', '2', '2', '--db', db]).stdout).toBe('No differences between ADR-001 v2 and v2\n');
    const missing = run(['diff', 'ADR-001', '1', '9', '--db', db]);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toMatch(/"ADR-001" has no version 9.*\[NOT_FOUND\]$/);
  });
});

describe('temporal-db delete', () => {
  it('writes a tombstone with the reason and author; history stays', () => {
    const store = join(dir, 'delete');
    run(['store', '--db', store], { input: JSON.stringify({ ...adr, identifier: 'ADR-9' }) });
    const deleted = run(['delete', 'ADR-9', '--reason', 'merged into ADR-3', '--author', 'bo', '--db', store, '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ changeType: 'Delete', identifier: 'ADR-9', version: 2, reason: 'merged into ADR-3', author: 'bo' });
    expect(run(['show', 'ADR-9', '--db', store]).code).toBe(1);
    expect(JSON.parse(run(['show', 'ADR-9', '--version', '1', '--db', store, '--json']).stdout).title).toBe('Use LMDB');
    expect(JSON.parse(run(['list', '--db', store, '--json']).stdout)).toEqual([]);
    const again = run(['delete', 'ADR-9', '--db', store]);
    expect(again.code).toBe(1);
    expect(oneLine(again.stderr)).toMatch(/\[NOT_FOUND\]$/);
  });
});

// These name the specification by its identifier, as users do. They depend on the
// API resolving an identifier wherever it takes a specId (another part of issue 8).
describe('--spec takes an identifier', () => {
  it('changes --spec ADR-001', () => {
    const changes = json(['changes', '--spec', 'ADR-001']);
    expect(changes.map((c: { changeType: string; identifier: string }) => [c.changeType, c.identifier])).toEqual([
      ['Create', 'ADR-001'],
      ['Update', 'ADR-001'],
    ]);
  });

  it('decide --spec ADR-001', () => {
    const decision = { decisionPoint: 'engine', selectedOption: 'lmdb', context: 'node', author: 'ana', confidence: 0.9 };
    const change = json(['decide', '--spec', 'ADR-001'], JSON.stringify(decision));
    expect(change).toMatchObject({ changeType: 'Decision', identifier: 'ADR-001', decision: { decisionPoint: 'engine', selectedOption: 'lmdb' } });
  });
});
