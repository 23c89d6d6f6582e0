import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium-launch.js';
import { describe, expect, inject, it } from 'vitest';
import { childEnv, linkFromRepo } from './global-setup.js';

// The installed tarball used as users do (see global-setup.ts for how it is packed and installed):
// the CLI through npx, the Node entry, and a browser bundle of the root entry in headless Chromium.
const { root, tarball, bare, node } = inject('packed');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function cli(app: string, args: string[], input?: string) {
  const result = spawnSync('npx', ['--no', '--', 'temporal-db', ...args], { cwd: app, input, encoding: 'utf8', env: childEnv });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function nodeScript(app: string, script: string): string {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' }).stdout.trim();
}

describe('the packed tarball', () => {
  it('ships the build made by prepack, the LICENSE and the README, and no sources', () => {
    const files = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/LICENSE',
        'package/README.md',
        'package/package.json',
        'package/dist/lmdb.js',
        'package/dist/indexeddb.js',
        'package/dist/cli.js',
        'package/dist/sync.js',
        'package/dist/sync.d.ts',
        'package/dist/universal.d.ts',
      ]),
    );
    expect(files.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);
    expect(readFileSync(join(bare, 'node_modules/temporal-db/LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('installs alone without native code: no lmdb, no better-sqlite3', () => {
    const installed = readdirSync(join(bare, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['temporal-db', 'zod', 'uuid']));
    expect(installed.filter((name) => /lmdb|sqlite|msgpackr|node-gyp|prebuild|bindings/.test(name))).toEqual([]);
    const lock = JSON.parse(readFileSync(join(bare, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((path) => /lmdb|better-sqlite3/.test(path))).toEqual([]);
  });
});

describe('Node without lmdb installed', () => {
  it('imports the package; opening a store fails with MISSING_DEPENDENCY naming the install command', () => {
    const out = nodeScript(
      bare,
      `import { openTemporalDb, TemporalDbError } from 'temporal-db';
       try { await openTemporalDb({ path: 'store' }); console.log('opened'); }
       catch (error) { console.log(JSON.stringify({ ours: error instanceof TemporalDbError, code: error.code, message: error.message })); }`,
    );
    const result = JSON.parse(out) as { ours: boolean; code: string; message: string };
    expect(result).toMatchObject({ ours: true, code: 'MISSING_DEPENDENCY' });
    expect(result.message).toContain('npm install lmdb');
    expect(existsSync(join(bare, 'store'))).toBe(false);
  });

  it('imports temporal-db/postgres without pg; opening a store fails with MISSING_DEPENDENCY naming npm install pg', () => {
    const out = nodeScript(
      bare,
      `import { openTemporalDb, TemporalDbError } from 'temporal-db/postgres';
       try { await openTemporalDb({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }); console.log('opened'); }
       catch (error) { console.log(JSON.stringify({ ours: error instanceof TemporalDbError, code: error.code, message: error.message })); }`,
    );
    const result = JSON.parse(out) as { ours: boolean; code: string; message: string };
    expect(result).toMatchObject({ ours: true, code: 'MISSING_DEPENDENCY' });
    expect(result.message).toContain('npm install pg');
  });

  it('runs the CLI: --version works, a command that opens a store says what to install', () => {
    expect(cli(bare, ['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const init = cli(bare, ['init', '--db', 'store']);
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/npm install lmdb.*\[MISSING_DEPENDENCY\]/);
  });
});

describe('Node with lmdb installed', () => {
  it('opens a store through `import { openTemporalDb } from "temporal-db"`', () => {
    const out = nodeScript(
      node,
      `import { openTemporalDb } from 'temporal-db';
       const db = await openTemporalDb({ path: 'entry-store' });
       await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 'Packed', content: 'one' });
       const v2 = await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 'Packed', content: 'two' });
       const latest = await db.getLatestSpecification('ADR', 'ADR-1');
       console.log(JSON.stringify({ entry: import.meta.resolve('temporal-db'), backend: db.backendKind, version: v2.version, content: latest.content }));
       await db.close();`,
    );
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result).toMatchObject({ backend: 'lmdb', version: 2, content: 'two' });
    expect(realpathSync(fileURLToPath(result.entry as string))).toBe(realpathSync(join(node, 'node_modules/temporal-db/dist/lmdb.js')));
  });

  it('syncs two stores through a service with temporal-db/server and temporal-db/sync', () => {
    const out = nodeScript(
      node,
      `import { openTemporalDb } from 'temporal-db';
       import { createTemporalDbServer } from 'temporal-db/server';
       import { sync } from 'temporal-db/sync';
       const served = await openTemporalDb({ path: 'sync-server' });
       const server = createTemporalDbServer(served);
       const { url } = await server.listen({ port: 0 });
       const a = await openTemporalDb({ path: 'sync-a' });
       const b = await openTemporalDb({ path: 'sync-b' });
       await a.storeSpecification({ specType: 'ADR', identifier: 'ADR-7', title: 'Synced', content: 'from a' });
       const first = await sync(a, url);
       const second = await sync(b, url);
       const got = await b.getLatestSpecification('ADR', 'ADR-7');
       console.log(JSON.stringify({ entry: import.meta.resolve('temporal-db/sync'), first, second, content: got.content }));
       await server.close();
       for (const db of [a, b, served]) await db.close();`,
    );
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result).toMatchObject({ first: { pushed: 2, pulled: 0 }, second: { pushed: 0, pulled: 2 }, content: 'from a' });
    expect(realpathSync(fileURLToPath(result.entry as string))).toBe(realpathSync(join(node, 'node_modules/temporal-db/dist/sync.js')));
  });

  it('runs the CLI from the project: --version, init, store, show, export, import', () => {
    expect(cli(node, ['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(cli(node, ['init', '--db', 'cli-store']).code).toBe(0);
    const spec = { specType: 'ADR', identifier: 'ADR-9', title: 'From npx', content: 'first', timestamp: '2026-01-01T00:00:00Z' };
    const stored = cli(node, ['store', '--db', 'cli-store', '--json'], JSON.stringify(spec));
    expect(stored.code, stored.stderr).toBe(0);
    expect(JSON.parse(stored.stdout)).toMatchObject({ identifier: 'ADR-9', version: 1 });
    const shown = cli(node, ['show', 'ADR-9', '--db', 'cli-store', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ title: 'From npx', content: 'first' });
    expect(cli(node, ['export', 'out.ndjson', '--db', 'cli-store']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(node, 'out.ndjson'), 'utf8').split('\n')[0]!)).toMatchObject({ format: 'temporal-db' });
    const imported = cli(node, ['import', 'out.ndjson', '--db', 'copy', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).added).toMatchObject({ specifications: 1, changes: 1 });
    expect(JSON.parse(cli(node, ['show', 'ADR-9', '--db', 'copy', '--json']).stdout).content).toBe('first');
  });

  it('runs import-legacy sqlite: MISSING_DEPENDENCY until better-sqlite3 is installed, then migrates', () => {
    const file = join(node, 'fallback.sqlite');
    const sqlite = new Database(file);
    sqlite.exec(`
      CREATE TABLE specifications (id TEXT PRIMARY KEY, spec_type TEXT, identifier TEXT, version INTEGER, title TEXT, content TEXT,
        author TEXT, status TEXT, tags TEXT, matrix_ids TEXT, template_variables TEXT, metadata TEXT, created_at TEXT, updated_at TEXT);
      CREATE TABLE changes (id TEXT PRIMARY KEY, spec_id TEXT, change_type TEXT, field_changes TEXT, author TEXT, timestamp TEXT, metadata TEXT);`);
    const insert = sqlite.prepare('INSERT INTO specifications VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
    insert.run('s1', 'PRD', 'PRD-9', 1, 'Search', 'first', 'py', 'proposed', '["search"]', '[]', '{}', '{}', '2024-03-01T09:00:00', '2024-03-01T09:00:00');
    insert.run('s2', 'PRD', 'PRD-9', 2, 'Search', 'second', 'py', 'accepted', '["search"]', '[]', '{}', '{}', '2024-03-01T09:00:00', '2024-03-05T09:00:00');
    sqlite.close();

    const missing = cli(node, ['import-legacy', 'sqlite', 'fallback.sqlite', '--db', 'legacy']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/npm install better-sqlite3@12.*\[MISSING_DEPENDENCY\]/);

    linkFromRepo(node, 'better-sqlite3');
    const migrated = cli(node, ['import-legacy', 'sqlite', 'fallback.sqlite', '--db', 'legacy', '--json']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ specificationVersions: 2 });
    expect(JSON.parse(cli(node, ['show', 'PRD-9', '--db', 'legacy', '--json']).stdout)).toMatchObject({ version: 2, content: 'second' });
  });

  it('runs import-adr --git on a repository with two commits of one ADR', () => {
    const repo = join(node, 'decisions');
    mkdirSync(join(repo, 'docs/adr'), { recursive: true });
    const git = (...args: string[]) => {
      const env = { ...process.env, GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'a@example.org' };
      expect(spawnSync('git', ['-C', repo, ...args], { env, encoding: 'utf8' }).status).toBe(0);
    };
    const adr = (status: string) => `# 1. Record decisions\n\nDate: 2024-01-01\n\n## Status\n\n${status}\n\n## Context\n\nWhy.\n\n## Decision\n\nWe will.\n`;
    git('init', '-q');
    writeFileSync(join(repo, 'docs/adr/0001-record-decisions.md'), adr('Proposed'));
    git('add', '-A');
    git('commit', '-q', '-m', 'Propose ADR 1', '--date', '2024-01-01T10:00:00Z');
    writeFileSync(join(repo, 'docs/adr/0001-record-decisions.md'), adr('Accepted'));
    git('commit', '-q', '-a', '-m', 'Accept ADR 1', '--date', '2024-01-05T10:00:00Z');

    const imported = cli(node, ['import-adr', join(repo, 'docs/adr'), '--git', '--db', 'adrs', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ files: 1, stored: 2 });
    const history = JSON.parse(cli(node, ['history', 'ADR-0001', '--db', 'adrs', '--json']).stdout) as Array<{ status: string }>;
    expect(history.map((v) => v.status)).toEqual(['proposed', 'accepted']);
  });
});

describe('a browser bundle of temporal-db/sync', () => {
  it('bundles from the installed package without node: modules, LMDB or pg', async () => {
    const bundled = await build({
      stdin: { contents: "export * from 'temporal-db/sync';", resolveDir: bare, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: {},
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs.some((input) => input.endsWith('node_modules/temporal-db/dist/sync.js'))).toBe(true);
    expect(inputs.filter((input) => /lmdb|sqlite|node_modules\/pg\//.test(input))).toEqual([]);
    expect(bundled.outputFiles[0]!.text).not.toMatch(/(from\s*|require\(|import\()["'](node:|lmdb|pg)/);
  });
});

describe('a browser bundle of the root entry', () => {
  it('bundles from the installed package with no LMDB, and stores and reads a spec in headless Chromium', async () => {
    const bundled = await build({
      stdin: {
        contents: `
          import { openTemporalDb } from 'temporal-db';
          window.result = (async () => {
            const db = await openTemporalDb({ name: 'pack-test' });
            await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 'In Chromium', content: 'one' });
            await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 'In Chromium', content: 'two' });
            const latest = await db.getLatestSpecification('ADR', 'ADR-1');
            const first = await db.getSpecification('ADR-1', { version: 1 });
            await db.close();
            return { backend: db.backendKind, version: latest.version, latest: latest.content, first: first.content };
          })();`,
        resolveDir: bare,
        loader: 'js',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: {},
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs.some((input) => input.endsWith('node_modules/temporal-db/dist/indexeddb.js'))).toBe(true);
    expect(inputs.filter((input) => /lmdb|sqlite/.test(input))).toEqual([]);

    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const page = await browser.newPage();
      // A secure origin (about:blank refuses IndexedDB, crypto.subtle needs localhost or https), answered
      // here by the route: nothing listens on it and nothing goes to the network.
      await page.route('http://localhost/**', (route) =>
        route.request().url().endsWith('/app.js')
          ? route.fulfill({ contentType: 'text/javascript', body: bundled.outputFiles[0]!.text })
          : route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/app.js"></script>' }),
      );
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto('http://localhost/');
      const result = await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
      expect(errors).toEqual([]);
      expect(result).toEqual({ backend: 'indexeddb', version: 2, latest: 'two', first: 'one' });
    } finally {
      await browser.close();
    }
  });
});
