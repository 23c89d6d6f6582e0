// Vitest global setup: the Node tests run the built package (dist/), so build it when it is missing or
// older than its sources. A fresh clone then passes `npm run test:fast` without a prior `npm run build`;
// after `npm run build` (as `npm test` does first) this does nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUTPUTS = ['lmdb.js', 'indexeddb.js', 'postgres.js', 'server.js', 'cli.js', 'lmdb.d.ts', 'indexeddb.d.ts', 'universal.d.ts'].map((file) => join(root, 'dist', file));
const INPUTS = ['src', 'package.json', 'tsup.config.ts', 'tsconfig.json'].map((path) => join(root, path));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function oldestOutput(): number {
  try {
    return Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs));
  } catch {
    return -Infinity; // an output is missing
  }
}

// One build per vitest run, even when several projects name this setup (they share the process).
const state = globalThis as { temporalDbBuild?: Promise<void> };

export default async function setup(): Promise<void> {
  state.temporalDbBuild ??= (async () => {
    if (oldestOutput() >= Math.max(...INPUTS.map(newestMtime))) return;
    process.stderr.write('dist/ is missing or older than src/: running npm run build\n');
    try {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run build failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  })();
  await state.temporalDbBuild;
}
