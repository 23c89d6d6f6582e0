// `temporal-db create <example> <dir>`: one of the examples that ship in the package, copied as a project of its own.
// Its package.json depends on the published package (this CLI's version, or --package), so it installs and starts
// with `npm install` and `npm start`, away from the repository the example was written in.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, ioError, usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';

interface Example {
  /** What `npm start` runs (the script the example's README starts in the repository). */
  start: string;
  /** The repository's npm script for it, which the copied README calls `npm start`. */
  repoScript: string;
  scripts?: Record<string, string>;
  /** Packages beside temporal-db, at the ranges this package's own package.json names. */
  dependencies: string[];
  devDependencies: string[];
}

export const EXAMPLES: Record<string, Example> = {
  'web-app': { start: 'node serve.mjs', repoScript: 'example:web', scripts: { build: 'vite build' }, dependencies: [], devDependencies: ['vite'] },
  'node-service': { start: 'node server.mjs', repoScript: 'example:service', dependencies: ['lmdb'], devDependencies: [] },
  'offline-first': { start: 'node start.mjs', repoScript: 'example:offline-first', scripts: { build: 'vite build' }, dependencies: ['lmdb'], devDependencies: ['vite'] },
};

// Output of a run in the repository, never part of an example.
const LEFT_OUT = new Set(['node_modules', 'dist', 'temporal-db-data', 'offline-first-data']);

interface OwnPackage {
  root: string;
  version: string;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** This package's folder (dist/cli.js or one of its chunks in dist/cli/ is somewhere below it) and its package.json. */
async function ownPackage(): Promise<OwnPackage> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(await readFile(file, 'utf8')) as Omit<OwnPackage, 'root'> & { name?: string };
      if (pkg.name === 'temporal-db') return { ...pkg, root: dir };
    }
    if (dirname(dir) === dir) throw new CliError('INTERNAL', 'cannot find the temporal-db package the command runs from');
    dir = dirname(dir);
  }
}

/** `--package`: a path (a tarball, a folder) becomes a `file:` spec from anywhere; `temporal-db@x` means `x`. */
function packageSpec(given: string | undefined, version: string): string {
  if (given === undefined) return version;
  if (given === '') throw usageError('--package needs an npm spec: a version, a range, a tag or a path to a tarball', ['package']);
  const spec = given.startsWith('temporal-db@') ? given.slice('temporal-db@'.length) : given;
  const path = /^(\.{1,2}[\\/]|\/|~)/.test(spec) || (/\.(tgz|tar\.gz)$/.test(spec) && !spec.includes(':'));
  return path ? `file:${resolve(spec.replace(/^~(?=\/)/, process.env.HOME ?? '~'))}` : spec;
}

/** The README, told where it now is: `npm start` for the repository's script, no links into the repository. */
function standaloneReadme(readme: string, name: string, example: Example): string {
  const body = readme
    .replace('From the repository root, on a fresh clone after `npm ci`:', 'In this project, after `npm install`:')
    .replaceAll(`npm run ${example.repoScript}`, 'npm start')
    .replace(/That builds the library \(`npm run build`\), then runs|That builds `dist\/` \(`npm run build`\) and runs/g, 'That runs')
    .replaceAll(`examples/${name}/`, '')
    .replace(/ After one build, [^.]*\./, '')
    // Links to other parts of the repository would point nowhere: their text stays.
    .replace(/\[([^\]]+)\]\(\.\.\/[^)]*\)/g, '$1');
  const [title = '', ...rest] = body.split('\n');
  return [
    title,
    '',
    `Made by \`temporal-db create ${name}\`: the example \`examples/${name}\` of temporal-db as a project of its own,`,
    'depending on the `temporal-db` package from npm. Start it with:',
    '',
    '```sh',
    'npm install',
    'npm start',
    '```',
    '',
    'Tests and files named below under `test/` are in the temporal-db repository.',
    ...rest,
  ].join('\n');
}

export const create: CommandRun = async ({ args, flags, out }) => {
  const [name, target] = args as [string, string];
  const example = EXAMPLES[name];
  if (!example) throw usageError(`<example> is one of ${Object.keys(EXAMPLES).join(', ')}, not ${JSON.stringify(name)}`, ['example']);
  const own = await ownPackage();
  const spec = packageSpec(typeof flags.package === 'string' ? flags.package : undefined, own.version);
  const source = join(own.root, 'examples', name);
  if (!existsSync(source)) throw new CliError('INTERNAL', `this copy of temporal-db does not hold examples/${name}`);

  const dir = resolve(target);
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw ioError(error, 'open', target);
  });
  if (entries.length > 0) throw new CliError('TARGET_NOT_EMPTY', `${target} is not empty: create makes a new project in an empty or missing folder`, ['dir']);

  const range = (names: string[], from: Record<string, string> | undefined) => Object.fromEntries(names.map((dep) => [dep, from?.[dep] ?? 'latest']));
  const pkg = {
    name: basename(dir).toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+/, '') || name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { start: example.start, ...example.scripts },
    dependencies: { 'temporal-db': spec, ...range(example.dependencies, own.peerDependencies) },
    ...(example.devDependencies.length > 0 ? { devDependencies: range(example.devDependencies, own.devDependencies) } : {}),
  };
  try {
    await mkdir(dir, { recursive: true });
    await cp(source, dir, { recursive: true, filter: (path) => !LEFT_OUT.has(basename(path)) });
    const readme = join(dir, 'README.md');
    if (existsSync(readme)) await writeFile(readme, standaloneReadme(await readFile(readme, 'utf8'), name, example));
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    await writeFile(join(dir, '.gitignore'), ['node_modules/', 'dist/', 'temporal-db-data/', 'offline-first-data/', ''].join('\n'));
  } catch (error) {
    throw ioError(error, 'write', target);
  }
  out.data({ example: name, dir, package: spec }, () => `Created ${target} from examples/${name} (temporal-db ${spec}). Next:\n  cd ${target}\n  npm install\n  npm start`);
};
