import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', migrate: 'src/migrate.ts' },
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
    // The command line: one file with a shebang, no declarations.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
