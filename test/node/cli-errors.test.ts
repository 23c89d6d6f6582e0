import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLine, requireBuild, run, tempDir } from './cli-harness.js';

const dir = tempDir('cli-errors');
const db = join(dir, 'store');
const spec = { specType: 'ADR', identifier: 'ADR-1', title: 'Errors', content: 'one' };

beforeAll(() => {
  requireBuild();
  expect(run(['store', '--db', db], { input: JSON.stringify(spec) }).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a read command on a path without a store', () => {
  const reads: string[][] = [
    ['show', 'ADR-1'],
    ['status'],
    ['list'],
    ['history', 'ADR-1'],
    ['changes'],
    ['analyze'],
    ['diff', 'ADR-1', '1', '2'],
    ['export', join(dir, 'never.ndjson')],
    ['backup', join(dir, 'never-backup')],
    ['delete', 'ADR-1'],
    ['recommend'],
  ];
  for (const args of reads) {
    it(`${args[0]} fails with NO_STORE, exit 1, and creates nothing`, () => {
      const missing = join(dir, `missing-${args[0]}`);
      const result = run([...args, '--db', missing]);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toBe(`temporal-db ${args[0]}: no store at ${missing}; run temporal-db init [NO_STORE]`);
      expect(existsSync(missing)).toBe(false);
      expect(existsSync(join(dir, 'never.ndjson'))).toBe(false);
      expect(existsSync(join(dir, 'never-backup'))).toBe(false);
    });
  }

  it('an empty folder is no store either, and stays empty', () => {
    const empty = join(dir, 'empty-folder');
    mkdirSync(empty);
    const result = run(['status', '--db', empty]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/\[NO_STORE\]$/);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('the default store is ./.temporal-db, and reading it does not create it', () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const result = run(['show', 'ADR-1'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no store at .*\.temporal-db; run temporal-db init/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a write command that fails before writing', () => {
  it('import of a bad file into a new path leaves no store behind', () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"format":"temporal-db","formatVersion":1,"exportedAt":"2026-01-01T00:00:00Z","counts":{}}\nnot json\n');
    const target = join(dir, 'new', 'nested', 'store');
    const result = run(['import', bad, '--db', target]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/\[INVALID_INPUT\]$/);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('store of an invalid specification into a new path leaves no store behind', () => {
    const target = join(dir, 'never-store');
    const result = run(['store', '--db', target], { input: JSON.stringify({ ...spec, specType: 'XYZ' }) });
    expect(result.code).toBe(1);
    expect(existsSync(target)).toBe(false);
  });

  it('into an existing empty folder, it removes only the store files it made', () => {
    const folder = join(dir, 'kept-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const result = run(['decide', '--db', folder], { input: JSON.stringify({ specId: 'nope', decisionPoint: 'p', selectedOption: 'o', context: '', author: 'a' }) });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/\[NOT_FOUND\]$/);
    expect(readdirSync(folder)).toEqual(['notes.txt']);
  });

  it('import of a missing file fails with IO_ERROR and creates nothing', () => {
    const target = join(dir, 'never-imported');
    const result = run(['import', join(dir, 'nope.ndjson'), '--db', target]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe(`temporal-db import: cannot read ${join(dir, 'nope.ndjson')}: no such file or directory (ENOENT) [IO_ERROR]`);
    expect(existsSync(target)).toBe(false);
  });
});

describe('every failure is one line on stderr', () => {
  it('export to a folder that does not exist', () => {
    const result = run(['export', '/no/such/dir/x.ndjson', '--db', db]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toBe('temporal-db export: cannot write /no/such/dir/x.ndjson: no such file or directory (ENOENT) [IO_ERROR]');
    expect(result.stdout).toBe('');
  });

  it('store --file of a missing file, and input that is not JSON', () => {
    const missing = run(['store', '--file', join(dir, 'none.json'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toMatch(/cannot read .*none\.json: no such file or directory \(ENOENT\) \[IO_ERROR\]$/);
    const notJson = run(['store', '--db', db], { input: '{"specType":' });
    expect(notJson.code).toBe(1);
    expect(oneLine(notJson.stderr)).toMatch(/^temporal-db store: the specification is not JSON: .* \[INVALID_INPUT\]$/);
  });

  it('a validation error lists every issue in its one line', () => {
    const input = JSON.stringify({ ...spec, title: '', tags: ['ok', 2] });
    const human = run(['store', '--db', db], { input });
    expect(human.code).toBe(1);
    const line = oneLine(human.stderr);
    expect(line).toMatch(/^temporal-db store: invalid input: title: .+; tags\.1: .+ \[INVALID_INPUT\]$/);
    expect(line).not.toMatch(/and 1 more/);
  });

  it('a missing version is NOT_FOUND', () => {
    const result = run(['show', 'ADR-404', '--db', db]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/^temporal-db show: No version of "ADR-404" .*\[NOT_FOUND\]$/);
  });
});

describe('--json errors', () => {
  it('are one JSON object on stderr with code, message and path', () => {
    const missing = join(dir, 'json-missing');
    const result = run(['show', 'ADR-1', '--db', missing, '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(oneLine(result.stderr))).toEqual({ code: 'NO_STORE', message: `no store at ${missing}; run temporal-db init`, path: ['--db'] });
  });

  it('carry every validation issue with its path', () => {
    const result = run(['store', '--db', db, '--json'], { input: JSON.stringify({ ...spec, title: '', tags: ['ok', 2] }) });
    expect(result.code).toBe(1);
    const error = JSON.parse(oneLine(result.stderr));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: ['title'] });
    expect(error.issues.map((issue: { path: unknown }) => issue.path)).toEqual([['title'], ['tags', 1]]);
    expect(error.issues.every((issue: { message: unknown }) => typeof issue.message === 'string' && issue.message.length > 0)).toBe(true);
    expect(error.message).toContain('title: ');
    expect(error.message).toContain('tags.1: ');
  });

  it('cover usage errors too (exit 2)', () => {
    const result = run(['changes', '--limit', '0', '--db', db, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(oneLine(result.stderr))).toMatchObject({ code: 'USAGE', path: ['--limit'] });
  });
});

describe('bad usage exits 2 with one line and a hint to --help', () => {
  const usage: Array<[string, string[]]> = [
    ['an extra positional argument', ['show', 'ADR-1', 'ADR-2']],
    ['an extra argument to a command that takes none', ['status', 'now']],
    ['a missing argument', ['diff', 'ADR-1', '1']],
    ['an unknown option', ['show', 'ADR-1', '--bogus']],
    ['--as-of that is not a date', ['show', 'ADR-1', '--as-of', 'notadate']],
    ['--as-of on list that is not a date', ['list', '--as-of', 'notadate']],
    ['--limit -1', ['changes', '--limit', '-1']],
    ['--limit=-1', ['changes', '--limit=-1']],
    ['--limit 1.5', ['changes', '--limit', '1.5']],
    ['--version 0', ['show', 'ADR-1', '--version', '0']],
    ['--since that is not a date', ['changes', '--since', 'yesterday']],
    ['an unknown --type of change', ['changes', '--type', 'Rename']],
    ['an unknown --type of specification', ['list', '--type', 'RFC']],
    ['--lookback that is not a number', ['analyze', '--lookback', 'soon']],
    ['--min-confidence above 1', ['recommend', '--min-confidence', '2']],
    ['a version that is not a number', ['diff', 'ADR-1', 'one', '2']],
    ['an unknown legacy kind', ['import-legacy', 'zip', 'x']],
    ['an option with no value', ['show', 'ADR-1', '--as-of']],
  ];
  for (const [what, args] of usage) {
    it(what, () => {
      const missing = join(dir, 'usage-never');
      const result = run([...args, '--db', missing]);
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toMatch(new RegExp(`^temporal-db ${args[0]}: .+; see 'temporal-db ${args[0]} --help'$`));
      expect(existsSync(missing)).toBe(false);
    });
  }

  it('an unknown command, with a suggestion', () => {
    const result = run(['shwo']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(`temporal-db: unknown command "shwo" (did you mean "show"?); see 'temporal-db --help'`);
  });
});
