// `temporal-db copy` between LMDB and PostgreSQL, run as users run it: the built CLI in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTemporalDb as openLmdb } from '../../src/lmdb.js';
import { openTemporalDb as openPostgres } from '../../src/postgres.js';
import type { TemporalDb } from '../../src/index.js';
import { populateBatches, populateSample, recordLines } from '../contract/sample-store.js';
import { cli, oneLine, requireBuild, root, runOnTerminal, tempDir } from '../node/cli-harness.js';
import { parseStoreLocation } from '../../src/cli/store-location.js';
import { PG_TEST_URL, dropSchema, freshSchema, rawClient } from './server.js';
import { exportLines } from '../../src/interchange.js';

const dir = tempDir('copy');
// The copy's temporary export goes here, so a killed copy leaves nothing in the system's /tmp.
const tmp = join(dir, 'tmp');
const schemas: string[] = [];
const UNREACHABLE = 'postgres://nobody:s3cret@127.0.0.1:1/none';

beforeAll(() => {
  requireBuild();
  mkdirSync(tmp, { recursive: true });
});
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

/** A PostgreSQL store URL for a fresh schema, dropped after the tests. */
function pgStore(): { url: string; schema: string } {
  const schema = freshSchema();
  schemas.push(schema);
  return { url: `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`, schema };
}

function copy(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'copy', ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, TMPDIR: tmp } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function exportOf(db: TemporalDb): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportLines(db)) lines.push(line);
  await db.close();
  return lines;
}

const lmdbExport = (path: string) => openLmdb({ path }).then(exportOf);
const pgExport = (schema: string) => openPostgres({ connectionString: PG_TEST_URL, schema }).then(exportOf);

async function schemaExists(schema: string): Promise<boolean> {
  const client = await rawClient();
  try {
    return (await client.query<{ ok: boolean }>('SELECT to_regnamespace($1) IS NOT NULL AS ok', [`"${schema}"`])).rows[0]!.ok;
  } finally {
    await client.end();
  }
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('temporal-db copy', () => {
  it('copies LMDB to PostgreSQL and back with every record line unchanged, and a second run adds nothing', async () => {
    const source = join(dir, 'sample');
    const db = await openLmdb({ path: source });
    await populateSample(db);
    await db.close();
    const expected = await lmdbExport(source);
    const { url, schema } = pgStore();

    const there = copy('--from', source, '--to', url, '--json');
    expect(there.stderr).toBe('');
    expect(there.code).toBe(0);
    // One line of JSON, naming the schema it wrote.
    expect(there.stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(there.stdout) as { lines: number; added: Record<string, number>; skipped: Record<string, number>; to: string };
    expect(summary.lines).toBe(expected.length);
    expect(sum(summary.added)).toBe(expected.length - 1);
    expect(sum(summary.skipped)).toBe(0);
    expect(summary.to).toContain(`schema ${schema}`);
    expect(recordLines(await pgExport(schema))).toEqual(recordLines(expected));

    const again = JSON.parse(copy('--from', source, '--to', url, '--json').stdout) as typeof summary;
    expect(sum(again.added)).toBe(0);
    expect(again.skipped).toEqual(summary.added);

    const back = join(dir, 'back');
    const home = copy('--from', url, '--to', back);
    expect(home.code, home.stderr).toBe(0);
    expect(home.stdout).toMatch(/^Copied .* to .*back: \d+ records added, 0 already there\n$/);
    expect(recordLines(await lmdbExport(back))).toEqual(recordLines(expected));
    // The temporary exports are gone.
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('finishes a copy killed half way (SIGKILL) when run again, adding only what was missing', async () => {
    const source = join(dir, 'large');
    const db = await openLmdb({ path: source });
    await populateBatches(db, 8);
    await db.close();
    const expected = await lmdbExport(source);
    const { url, schema } = pgStore();

    const child = spawn(process.execPath, [cli, 'copy', '--from', source, '--to', url], { cwd: root, env: { ...process.env, TMPDIR: tmp } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed as soon as the first import batches are committed in the target.
    const watcher = await rawClient();
    let partial = 0;
    try {
      for (let done = false; !done; ) {
        const found = await watcher.query<{ n: string | null }>(`SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE 1 END AS n`, [`"${schema}".specifications`]);
        if (found.rows[0]!.n !== null) {
          partial = Number((await watcher.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".specifications`)).rows[0]!.n);
          if (partial > 0) {
            child.kill('SIGKILL');
            done = true;
          }
        }
        if (child.exitCode !== null) done = true;
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      await watcher.end();
    }
    expect(await exited, output).toBe('SIGKILL');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(4000);

    const resumed = copy('--from', source, '--to', url, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { added: { specifications: number }; skipped: { specifications: number } };
    expect(summary.added.specifications + summary.skipped.specifications).toBe(4000);
    expect(summary.skipped.specifications).toBeGreaterThanOrEqual(partial);
    expect(summary.added.specifications).toBeGreaterThan(0);
    expect(recordLines(await pgExport(schema))).toEqual(recordLines(expected));
    // The killed copy's temporary export was removed by the next one.
    expect(readdirSync(tmp)).toEqual([]);
    const history = await openPostgres({ connectionString: PG_TEST_URL, schema });
    expect((await history.getSpecificationHistory('ADR-0007')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await history.close();
  });

  it('refuses an unknown scheme, a missing --to and the same store twice as usage errors, writing nothing', () => {
    const target = join(dir, 'never-1');
    const result = copy('--from', 'mysql://app@db/x', '--to', target, '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(oneLine(result.stderr))).toMatchObject({ code: 'USAGE', path: ['--from'] });
    expect(result.stdout).toBe('');
    expect(existsSync(target)).toBe(false);
    const noTarget = copy('--from', target, '--json');
    expect(noTarget.code).toBe(2);
    expect(JSON.parse(oneLine(noTarget.stderr))).toMatchObject({ code: 'USAGE', path: ['--to'] });
    expect(copy('--from', target, '--to', target).stderr).toMatch(/--from and --to are the same store/);
    expect(existsSync(target)).toBe(false);
  });

  it('reports an unreachable server in one coded line and leaves the target untouched', async () => {
    const target = join(dir, 'never-2');
    const from = copy('--from', UNREACHABLE, '--to', target);
    expect(from.code).toBe(1);
    expect(oneLine(from.stderr)).toMatch(/^temporal-db copy: PostgreSQL could not answer .*ECONNREFUSED.* \[STORAGE_UNAVAILABLE\]$/);
    expect(existsSync(target)).toBe(false);
    expect(from.stderr).not.toContain('s3cret');

    const source = join(dir, 'small');
    const db = await openLmdb({ path: source });
    await populateSample(db);
    await db.close();
    const to = copy('--from', source, '--to', UNREACHABLE, '--json');
    expect(to.code).toBe(1);
    expect(JSON.parse(oneLine(to.stderr))).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a source that holds no store (NO_STORE) without creating it', async () => {
    const { url, schema } = pgStore();
    const target = join(dir, 'never-3');
    const result = copy('--from', url, '--to', target, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(oneLine(result.stderr))).toMatchObject({ code: 'NO_STORE', path: ['--from'] });
    expect(await schemaExists(schema)).toBe(false);
    expect(existsSync(target)).toBe(false);
    const missing = copy('--from', join(dir, 'no-such-store'), '--to', pgStore().url, '--json');
    expect(JSON.parse(oneLine(missing.stderr))).toMatchObject({ code: 'NO_STORE', path: ['--from'] });
  });

  it("runs the README's copy commands as written (the store and the URL swapped for the test's)", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Moving a store'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const { url } = pgStore();
    const source = join(dir, 'sample');
    const restored = join(dir, 'restored');
    const commands = block
      .trim()
      .split('\n')
      .map((line) => {
        const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
        expect(words.slice(0, 2)).toEqual(['temporal-db', 'copy']);
        return words.slice(2).map((w) => (w === './.temporal-db' ? source : w === './restored' ? restored : w.startsWith('postgres://app@db.internal/') ? url : w));
      });
    expect(commands).toHaveLength(2);
    for (const args of commands) {
      const result = copy(...args);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(recordLines(await lmdbExport(restored))).toEqual(recordLines(await lmdbExport(source)));
  });

  it('shows progress on a terminal only', () => {
    const source = join(dir, 'sample');
    const onTerminal = runOnTerminal(['copy', '--from', source, '--to', join(dir, 'on-terminal')]);
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stdout).toMatch(/exporting \d+\/\d+ lines/);
    expect(onTerminal.stdout).toMatch(/importing \d+\/\d+ lines/);
    const piped = copy('--from', source, '--to', join(dir, 'piped'));
    expect(piped.stderr).toBe('');
    expect(readFileSync(join(dir, 'piped', 'data.mdb')).length).toBeGreaterThan(0);
  });
});

describe('copy store locations', () => {
  it('reads a postgres:// or postgresql:// URL with ?schema=, keeps its other parameters and hides its password', () => {
    expect(parseStoreLocation('postgresql://app:pw@db:5433/arch?sslmode=require&schema=Team%20A&application_name=x', '--to')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://app:pw@db:5433/arch?sslmode=require&application_name=x',
      schema: 'Team A',
      display: 'postgresql://app:***@db:5433/arch?sslmode=require&application_name=x (schema Team A)',
    });
    expect(parseStoreLocation('postgres://app@/arch?host=/var/run/postgresql', '--from')).toMatchObject({ schema: 'temporal_db', connectionString: 'postgres://app@/arch?host=/var/run/postgresql' });
    expect(parseStoreLocation('./some/store', '--from')).toMatchObject({ kind: 'lmdb', path: join(process.cwd(), 'some/store') });
    expect(() => parseStoreLocation('postgres://app@db/arch?schema=', '--to')).toThrow(/schema= needs a schema name/);
    expect(() => parseStoreLocation('s3://bucket/store', '--to')).toThrow(/unknown store scheme "s3:"/);
  });
});
