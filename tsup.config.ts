import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Every package the code imports stays an import in dist/ (the installing project resolves it):
// a bundled copy of a native module breaks (lmdb, better-sqlite3 load their binaries at run time),
// and optional peers must stay loadable on demand.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
const packages = [...new Set([pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})))];
const external = [new RegExp(`^(${packages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/.*)?$`)];

export default defineConfig([
  {
    entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', memory: 'src/memory.ts', migrate: 'src/migrate.ts' },
    format: ['esm'],
    // universal.d.ts: declarations only, for TypeScript resolving with neither a node nor a browser condition.
    dts: { entry: { lmdb: 'src/lmdb.ts', indexeddb: 'src/indexeddb.ts', memory: 'src/memory.ts', migrate: 'src/migrate.ts', universal: 'src/universal.ts' } },
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
    // The command line: one file with a shebang, no declarations.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
]);
