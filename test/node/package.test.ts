import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

// These check the published shape, so they run against dist/ (npm test builds it first).
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
    ...(platform === 'node' ? { external: ['lmdb', 'idb', 'zod', 'uuid'] } : {}),
  });
}

describe('package entry points', () => {
  beforeAll(() => {
    if (!existsSync(`${root}/dist/indexeddb.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  });

  it('bundles the root entry for the browser with no LMDB and no node: import', async () => {
    const result = await bundle('browser');
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('dist/indexeddb.js');
    expect(inputs.some((input) => input.includes('node_modules/idb/'))).toBe(true);
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
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('lmdb 1 function');
  });
});
