import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/** A hung child fails its test instead of stalling CI. */
const CHILD_TIMEOUT = 120_000;

// Measured on dist/, as a web app gets the package (npm test builds it first).
const root = fileURLToPath(new URL('../..', import.meta.url));
/** The budget for everything the browser root entry exports, with its dependencies: min + gzip (level 9), in bytes. */
const LIMIT = 25_000;

function bundleForBrowser(contents: string) {
  return build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Resolve like a consumer would: through package.json exports, not this repo's tsconfig paths.
    tsconfigRaw: {},
  });
}

describe('browser bundle size', () => {
  beforeAll(() => {
    if (!existsSync(`${root}/dist/indexeddb.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  });

  it(`keeps everything the root entry exports within ${LIMIT / 1000} kB min+gzip`, async () => {
    // `export *` keeps every export alive, so nothing is left out by tree shaking an unused name.
    const result = await bundleForBrowser("export * from 'temporal-db';");
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.info(`browser root entry with all dependencies (esbuild): ${code.length} B min, ${gzipped} B min+gzip (limit ${LIMIT} B)`);
    // What ends up in the bundle (metafile.inputs also lists files read and then shaken out).
    const kept = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs).filter(([, input]) => input.bytesInOutput > 0);
    // zod/mini only: classic zod (`import { z } from 'zod'`) drags in all its locales.
    expect(kept.map(([path]) => path).filter((path) => /node_modules\/zod\/(v4\/)?(classic|locales)\//.test(path))).toEqual([]);
    expect(gzipped).toBeLessThanOrEqual(LIMIT);
  });

  it('serves the ADR and legacy-record readers from temporal-db/migrate, also in a browser', async () => {
    const result = await bundleForBrowser("export * from 'temporal-db/migrate';");
    expect(Object.keys(result.metafile.inputs)).toContain('dist/migrate.js');
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/(from\s*|require\(|import\()["'](node:|lmdb)/);
    const script = `
      import { parseAdr } from 'temporal-db/migrate';
      console.log(parseAdr('# 2. Use zod/mini\\n\\n## Status\\n\\nAccepted\\n', '0002-use-zod-mini.md').status);`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT }).trim()).toBe('accepted');
  });
});
