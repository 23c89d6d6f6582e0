// Runs the built command line as users do: `node dist/cli.js ...` in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cli = join(root, 'dist/cli.js');

export function requireBuild(): void {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `temporal-db-${prefix}-`));

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with pipes for stdin, stdout and stderr. */
export function run(args: string[], options: { input?: string; cwd?: string } = {}): Result {
  const result = spawnSync(process.execPath, [cli, ...args], { input: options.input ?? '', encoding: 'utf8', cwd: options.cwd ?? root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI under a pseudo-terminal (util-linux `script`): stdout and stderr both arrive on the terminal, returned as `stdout`. */
export function runOnTerminal(args: string[], options: { input?: string } = {}): Result {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('script', ['-qec', quoted, '/dev/null'], { input: options.input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The one line a failure prints, checked to be exactly one line. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${stderr}`);
  return lines[0]!;
}
