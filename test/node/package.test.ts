import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** A hung child fails its test instead of stalling CI. */
const CHILD_TIMEOUT = 120_000;

// These check the published shape, so they run against dist/ (the node project's global setup builds it when stale).
const root = fileURLToPath(new URL('../..', import.meta.url));

function bundle(platform: 'browser' | 'node') {
  return build({
    stdin: { contents: "export { openTemporalDb } from 'temporal-db';", resolveDir: root, loader: 'js' },
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Resolve like a consumer would: through package.json exports, not this repo's tsconfig paths.
    tsconfigRaw: {},
    ...(platform === 'node' ? { external: ['lmdb', 'zod', 'uuid'] } : {}),
  });
}

describe('package entry points', () => {
  it('bundles the root entry for the browser with no LMDB and no node: import', async () => {
    const result = await bundle('browser');
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('dist/indexeddb.js');
    expect(inputs.filter((input) => /lmdb|msgpackr|ordered-binary/.test(input))).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["'](node:|lmdb)/);
    expect(code).not.toMatch(/require\(["'](node:|lmdb)/);
    expect(code).not.toMatch(/import\(["'](node:|lmdb)/);
  });

  it('resolves the root entry to the LMDB build under Node', async () => {
    const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('temporal-db'))"], {
      cwd: root,
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT,
    }).trim();
    expect(resolved.endsWith('/dist/lmdb.js')).toBe(true);
    const result = await bundle('node');
    expect(Object.keys(result.metafile.inputs)).toContain('dist/lmdb.js');
  });

  it('opens a store through the built package in a plain Node process', () => {
    const script = `
      import { openTemporalDb, TemporalDbError } from 'temporal-db';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      const db = await openTemporalDb({ path: mkdtempSync(tmpdir() + '/temporal-db-pkg-') });
      const v = await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 't', content: 'c' });
      console.log(db.backendKind, v.version, typeof TemporalDbError);
      await db.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT });
    expect(out.trim()).toBe('lmdb 1 function');
  });
});

describe('dist/', () => {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as Record<string, Record<string, string>>;
  const declared = new Set([...Object.keys(pkg.dependencies!), ...Object.keys(pkg.peerDependencies!)]);
  const files = readdirSync(`${root}/dist`);

  it('imports every package instead of bundling a copy (native modules break when bundled)', () => {
    const imported = new Set<string>();
    for (const file of files.filter((name) => name.endsWith('.js'))) {
      const code = readFileSync(`${root}/dist/${file}`, 'utf8');
      // esbuild's shim for a bundled CommonJS module that requires something (better-sqlite3 did).
      expect(code, file).not.toMatch(/Dynamic require of|__require\(/);
      for (const [, specifier] of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["']([^"'./][^"']*)["']/g)) {
        const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
        imported.add(name);
      }
    }
    const packages = [...imported].filter((name) => !name.startsWith('node:') && !builtinModules.includes(name));
    expect(packages.filter((name) => !declared.has(name))).toEqual([]);
    expect(packages).toEqual(expect.arrayContaining(['lmdb', 'better-sqlite3', 'zod', 'uuid']));
    for (const map of files.filter((name) => name.endsWith('.js.map'))) {
      const sources = (JSON.parse(readFileSync(`${root}/dist/${map}`, 'utf8')) as { sources: string[] }).sources;
      expect(sources.filter((source) => source.includes('node_modules')), map).toEqual([]);
    }
  });

  it('loads lmdb only when a store is opened, so the Node entry imports without it', () => {
    const entry = readFileSync(`${root}/dist/lmdb.js`, 'utf8');
    expect(entry).not.toMatch(/from\s*["']lmdb["']/);
    expect(entry).toMatch(/import\(["']lmdb["']\)/);
  });
});

describe('temporal-db/memory', () => {
  it('bundles for the browser without LMDB, IndexedDB or node: imports, and keeps a store in memory in Node', async () => {
    const result = await build({
      stdin: { contents: "export { openTemporalDb } from 'temporal-db/memory';", resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      tsconfigRaw: {},
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/(lmdb|idb)\/|^node:/.test(input))).toEqual([]);
    const script = `
      import { openTemporalDb } from 'temporal-db/memory';
      const db = await openTemporalDb({ name: 'shared' });
      await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-1', title: 't', content: 'c' });
      const again = await openTemporalDb({ name: 'shared' });
      const other = await openTemporalDb();
      console.log(JSON.stringify([db.backendKind, (await again.getSpecification('ADR-1'))?.version, await other.getSpecification('ADR-1')]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT });
    expect(JSON.parse(out)).toEqual(['memory', 1, null]);
  });
});

describe('temporal-db/postgres', () => {
  it('resolves to its own build, which loads pg only when a store is opened', () => {
    const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('temporal-db/postgres'))"], {
      cwd: root,
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT,
    }).trim();
    expect(resolved.endsWith('/dist/postgres.js')).toBe(true);
    const entry = readFileSync(`${root}/dist/postgres.js`, 'utf8');
    expect(entry).not.toMatch(/from\s*["']pg["']/);
    expect(entry).toMatch(/import\(["']pg["']\)/);
  });
});

describe('dist/universal.d.ts', () => {
  it('declares exactly the values that both builds export (what `bundler` resolution without conditions sees)', async () => {
    const file = `${root}/dist/universal.d.ts`;
    const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
    const checker = program.getTypeChecker();
    const declared = checker
      .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!)
      .filter((symbol) => ((symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).flags & ts.SymbolFlags.Value) !== 0)
      .map((symbol) => symbol.name);
    const lmdb = Object.keys(await import(`${root}/dist/lmdb.js`));
    const indexeddb = Object.keys(await import(`${root}/dist/indexeddb.js`));
    expect(declared.sort()).toEqual(lmdb.filter((name) => indexeddb.includes(name)).sort());
    expect(declared).toContain('openTemporalDb');
    expect(lmdb.filter((name) => !declared.includes(name)).sort()).toEqual(
      // The Node build adds the file importers and re-exports temporal-db/migrate and temporal-db/interchange, which the browser root leaves out to stay small.
      ['exportLines', 'exportStream', 'exportTo', 'importFrom', 'DEFAULT_STORE_DIRECTORY', 'importAdrDirectory', 'importLegacy', 'LEGACY_KINDS', 'entriesFromKeyValueLines', 'importLegacyEntries', 'normalizeStatus', 'parseAdr', 'parseLegacyKey'].sort(),
    );
  });
});
