import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

// Small consumer projects type-check their use of the installed tarball (global-setup.ts) under each
// moduleResolution a user may have, with this repository's TypeScript and skipLibCheck off, so our
// declarations are checked too. Each source marks with @ts-expect-error what its setting must refuse:
// tsc fails on an expected error that does not come as on an unexpected one.
const { root, bare, node } = inject('packed');
const run = promisify(execFile);

const NODE_USER = `
import { importAdrDirectory, openTemporalDb, TemporalDbError, type OpenLmdbOptions, type Specification } from 'temporal-db';
import { openTemporalDb as openPostgres, type OpenPostgresOptions } from 'temporal-db/postgres';
import { startSync, sync, type SyncHandle, type SyncResult } from 'temporal-db/sync';

const options: OpenLmdbOptions = { path: './architecture-db', noSync: true };
const db = await openTemporalDb(options);
const latest: Specification | undefined = await db.getLatestSpecification('ADR', 'ADR-001');
const imported = await importAdrDirectory(db, 'docs/adr', { git: true });
console.log(latest?.title, imported.stored);
try {
  await db.close();
} catch (error) {
  if (error instanceof TemporalDbError && error.code === 'MISSING_DEPENDENCY') console.log(error.message);
}
// @ts-expect-error In Node the store is LMDB, opened at a path: an IndexedDB name is refused.
await openTemporalDb({ name: 'architecture' });
// PostgreSQL: typed without pg or @types/pg installed.
const shared: OpenPostgresOptions = { connectionString: 'postgres://app@db/architecture', schema: 'team_a', pool: { max: 4, statement_timeout: 5000 } };
console.log(typeof openPostgres, shared.schema);
// @ts-expect-error The PostgreSQL store takes a connection string, not a path.
await openPostgres({ path: './architecture-db' });
// Sync: one round, and a running sync with its status.
const round: SyncResult = await sync(db, 'http://127.0.0.1:4780', { token: 'a-token-of-sixteen-chars', limit: 200 });
const running: SyncHandle = startSync(db, 'http://127.0.0.1:4780');
const status: 'idle' | 'syncing' | 'offline' | 'error' = running.status;
console.log(round.pushed + round.pulled, status);
await running.stop();
// @ts-expect-error sync takes the server's URL as a string.
await sync(db, { url: 'http://127.0.0.1:4780' });
`;

const ANY_RUNTIME_USER = `
// @ts-expect-error The file importers run only in Node: they are in 'temporal-db/lmdb', not in the types for both runtimes.
import { importAdrDirectory } from 'temporal-db';
import { openTemporalDb, type OpenTemporalDbOptions, type Specification } from 'temporal-db';

const inBrowser = await openTemporalDb({ name: 'architecture', durability: 'relaxed' });
const inNode = await openTemporalDb({ path: './architecture-db' });
const options: OpenTemporalDbOptions = { name: 'other' };
const latest: Specification | undefined = await inBrowser.getLatestSpecification('ADR', 'ADR-001');
console.log(latest?.title, inNode.backendKind, options, importAdrDirectory);
// @ts-expect-error An option neither build knows.
await openTemporalDb({ directory: './architecture-db' });
`;

const BROWSER_USER = `
import { openTemporalDb, type Specification } from 'temporal-db';

const db = await openTemporalDb({ name: 'architecture', durability: 'relaxed' });
const latest: Specification | undefined = await db.getLatestSpecification('ADR', 'ADR-001');
console.log(latest?.title);
// @ts-expect-error The browser build opens IndexedDB by name, not a path.
await openTemporalDb({ path: './architecture-db' });
`;

interface Setting {
  name: string;
  app: string;
  options: Record<string, unknown>;
  source: string;
  declarations: string;
}

// Node users have @types/node; browser-only users have the DOM library and no Node types.
const nodeLibs = { lib: ['ES2022'], types: ['node'] };
const browserLibs = { lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [] };
const SETTINGS: Setting[] = [
  { name: 'node16', app: node, options: { module: 'node16', moduleResolution: 'node16', ...nodeLibs }, source: NODE_USER, declarations: 'lmdb.d.ts' },
  { name: 'nodenext', app: node, options: { module: 'nodenext', moduleResolution: 'nodenext', ...nodeLibs }, source: NODE_USER, declarations: 'lmdb.d.ts' },
  {
    name: 'bundler with customConditions ["node"]',
    app: node,
    options: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['node'], ...nodeLibs },
    source: NODE_USER,
    declarations: 'lmdb.d.ts',
  },
  { name: 'bundler', app: bare, options: { module: 'esnext', moduleResolution: 'bundler', ...browserLibs }, source: ANY_RUNTIME_USER, declarations: 'universal.d.ts' },
  {
    name: 'bundler with customConditions ["browser"]',
    app: bare,
    options: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'], ...browserLibs },
    source: BROWSER_USER,
    declarations: 'indexeddb.d.ts',
  },
];

describe('a consumer type-checks against the packed declarations', () => {
  it.each(SETTINGS)('with moduleResolution $name', async ({ name, app, options, source, declarations }) => {
    const dir = join(app, `types-${name.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(dir, 'index.ts'), source);
    const compilerOptions = { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, ...options };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', dir, '--listFiles'], { encoding: 'utf8' }).catch(
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
    );
    expect('code' in result ? result.code : 0, result.stdout).toBe(0);
    const files = result.stdout.split('\n');
    expect(files.some((file) => file.endsWith(`node_modules/temporal-db/dist/${declarations}`))).toBe(true);
    expect(files.filter((file) => /node_modules\/(lmdb|better-sqlite3|pg|@types\/pg)\//.test(file))).toEqual([]);
  }, 240_000);
});
