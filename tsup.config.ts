import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig([
  {
    entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    // Shared code is split into a chunk that imports neither lmdb nor node: modules.
    splitting: true,
    treeshake: true,
    removeNodeProtocol: false,
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
    // Optional at run time: import-legacy loads it only for a SQLite store.
    external: ['better-sqlite3'],
    noExternal: ['zod', 'uuid'],
    define: { __TEMPORAL_DB_VERSION__: JSON.stringify(version) },
    esbuildOptions(options) {
      options.chunkNames = 'cli/[name]-[hash]';
    },
    banner: { js: '#!/usr/bin/env node' },
  },
]);
