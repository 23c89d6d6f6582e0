import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Every package the code imports stays an import in dist/ (the installing project resolves it):
// a bundled copy of a native module breaks (lmdb, better-sqlite3 load their binaries at run time),
// and optional peers must stay loadable on demand.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
const packages = [...new Set([pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})))];
const external = [new RegExp(`^(${packages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/.*)?$`)];
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig([
  {
    entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', migrate: 'src/migrate.ts' },
    format: ['esm'],
    // universal.d.ts: declarations only, for TypeScript resolving with neither a node nor a browser condition.
    dts: { entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', migrate: 'src/migrate.ts', universal: 'src/universal.ts' } },
    clean: true,
    sourcemap: true,
    target: 'es2022',
    // Shared code is split into a chunk that imports neither lmdb nor node: modules.
    splitting: true,
    treeshake: true,
    removeNodeProtocol: false,
    external,
  },
  {
    // The command line: a small entry (the command table, help, errors) and one
    // chunk per command group, imported when that command runs, so `--help`
    // and `--version` load neither lmdb nor zod. Chunks go in dist/cli/.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    splitting: true,
    removeNodeProtocol: false,
    define: { __TEMPORAL_DB_VERSION__: JSON.stringify(version) },
    esbuildOptions(options) {
      options.chunkNames = 'cli/[name]-[hash]';
    },
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
]);
