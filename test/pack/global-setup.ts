// Packs the package once for every test under test/pack/ and installs the tarball into two fresh
// projects, as users get it: packed from a copy of the repository without dist/ (so `prepack` must
// build it).
//
// `bare` installs the tarball alone, as a browser-only app does: it must pull no native code.
// `node` adds the optional peer lmdb (and @types/node, for its type checks). The peers are linked
// from this repository's node_modules, which is what `npm install <folder>` does, instead of being
// installed: better-sqlite3 would compile from source for two minutes, and through the link the
// peers' own dependencies (msgpackr, the lmdb binary, bindings) resolve from where they already are.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

export interface PackedProjects {
  root: string;
  tarball: string;
  bare: string;
  node: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    packed: PackedProjects;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/**
 * The environment for npm and npx in the temporary projects: without what `npm test` sets for its
 * own scripts (this package's name and scripts, the folder it was started in), so that each child
 * works on the project it runs in.
 */
export const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/i.test(name)),
);

/** Links `name` from this repository's node_modules into the project `app`. */
export function linkFromRepo(app: string, name: string): void {
  const target = join(app, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(realpathSync(join(root, 'node_modules', name)), target, 'dir');
}

async function project(dir: string, name: string, tarball: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2));
  // zod and uuid come from the npm cache that `npm ci` filled (the registry when they are not there).
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, env: childEnv });
}

export default async function setup(testProject: TestProject): Promise<() => void> {
  const tmp = mkdtempSync(join(tmpdir(), 'temporal-db-pack-'));
  // A fresh checkout: the files git tracks (or would), as they are in the work tree, and no dist/.
  const checkout = join(tmp, 'checkout');
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((file) => file && !file.startsWith('dist/') && file !== 'node_modules' && existsSync(join(root, file)));
  for (const file of files) cpSync(join(root, file), join(checkout, file), { recursive: true });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(checkout, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', tmp, '--loglevel=error'], { cwd: checkout, env: childEnv });
  const tarball = join(tmp, readdirSync(tmp).find((name) => name.endsWith('.tgz'))!);

  const packed: PackedProjects = { root, tarball, bare: join(tmp, 'bare'), node: join(tmp, 'node') };
  await Promise.all([project(packed.bare, 'browser-app', tarball), project(packed.node, 'node-app', tarball)]);
  linkFromRepo(packed.node, 'lmdb');
  linkFromRepo(packed.node, '@types/node');
  testProject.provide('packed', packed);
  return () => rmSync(tmp, { recursive: true, force: true });
}
