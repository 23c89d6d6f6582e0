import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Every package the code imports stays an import in dist/ (the installing project resolves it):
// a bundled copy of a native module breaks (lmdb, better-sqlite3 load their binaries at run time),
// and optional peers must stay loadable on demand.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
const packages = [...new Set([pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})))];
const externalOf = (names: string[]) => [new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/.*)?$`)];
const external = externalOf(packages);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The command line loads lmdb through its CommonJS build: one bundled file instead of a few dozen
// ES modules (lmdb-js and msgpackr), which is a third of `show`'s start-up. A CLI process holds only
// this copy, so the two builds never meet in one process.
const lmdbAsCommonJs = {
  name: 'lmdb-as-commonjs',
  setup(build: { onResolve: Function; onLoad: Function }) {
    build.onResolve({ filter: /^lmdb$/ }, () => ({ path: 'lmdb', namespace: 'lmdb-cjs' }));
    build.onLoad({ filter: /.*/, namespace: 'lmdb-cjs' }, () => ({
      contents: [
        "import { createRequire } from 'node:module';",
        "const lmdb = createRequire(import.meta.url)('lmdb');",
        'export const open = lmdb.open;',
        'export default lmdb;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

export default defineConfig([
  {
    // server (temporal-db/server) and postgres are Node only: no browser entry imports their files,
    // so node:http and pg stay out of the shared chunks; their core code is shared with the other entries.
    entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', memory: 'src/memory.ts', live: 'src/live.ts', postgres: 'src/postgres.ts', migrate: 'src/migrate.ts', server: 'src/server.ts', sync: 'src/sync.ts' },
    format: ['esm'],
    // universal.d.ts: declarations only, for TypeScript resolving with neither a node nor a browser condition.
    dts: {
      entry: {
        lmdb: 'src/lmdb.ts',
        indexeddb: 'src/indexeddb.ts',
        memory: 'src/memory.ts',
        live: 'src/live.ts',
        postgres: 'src/postgres.ts',
        migrate: 'src/migrate.ts',
        server: 'src/server.ts',
        sync: 'src/sync.ts',
        universal: 'src/universal.ts',
      },
    },
    clean: true,
    sourcemap: true,
    target: 'es2022',
    // Shared code is split into a chunk that imports neither lmdb, pg nor node: modules.
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
    // zod is pure JavaScript: bundled into the command's chunks it costs Node no module resolution.
    // tsup keeps every dependency external by default; these two are taken in (lmdb as the stub above).
    external: externalOf(packages.filter((name) => name !== 'zod' && name !== 'lmdb')),
    noExternal: [/^zod(\/.*)?$/, /^lmdb$/],
    esbuildPlugins: [lmdbAsCommonJs],
    define: { __TEMPORAL_DB_VERSION__: JSON.stringify(version) },
    esbuildOptions(options) {
      options.chunkNames = 'cli/[name]-[hash]';
    },
    banner: { js: '#!/usr/bin/env node' },
  },
]);
