// `temporal-db create` from the installed tarball (see global-setup.ts): each example copied as a project of its own,
// depending on the tarball (--package), installed with npm (the tarball, and the rest from the npm cache or the
// registry), and started with the one command its README names (`npm start`), or built.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { childEnv } from './global-setup.js';

const { root, tarball, bare } = inject('packed');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const work = join(bare, '..', 'created');
mkdirSync(work, { recursive: true });

function cli(args: string[]) {
  const result = spawnSync('npx', ['--no', '--', 'temporal-db', ...args], { cwd: bare, encoding: 'utf8', env: childEnv });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function npm(dir: string, args: string[]) {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, encoding: 'utf8', env: childEnv });
  expect(result.status, `npm ${args.join(' ')}: ${result.stderr}`).toBe(0);
}

/** Every file of the project (node_modules and build output left out). */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const path = join(prefix, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(join(dir, path)).isDirectory() ? files(dir, path) : [path];
  });
}

/** `npm start` in its own process group (npm and the script it runs), until `pattern` shows in its stdout. */
async function npmStart(dir: string, env: Record<string, string>, pattern: RegExp) {
  const child = spawn('npm', ['start'], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...childEnv, ...env } });
  const exit = once(child, 'close');
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = pattern.exec(stdout);
      if (found) resolve(found);
    });
    void exit.then(() => reject(new Error(`npm start ended before listening: ${stderr}`)));
  });
  return {
    match,
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      await exit;
    },
  };
}

/** Creates `example` in a new folder, depending on the tarball, and checks what was written. */
function created(example: string): string {
  const dir = join(work, example);
  const result = cli(['create', example, dir, '--package', tarball]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('npm install');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
  expect(pkg.dependencies['temporal-db']).toBe(`file:${tarball}`);
  expect(pkg.scripts.start).toMatch(/^node \w+\.mjs$/);
  // Standalone: nothing points back into the repository, and the README starts it with `npm start`.
  for (const file of files(dir)) expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/\.\.\/\.\.\/|examples\/(web-app|node-service|offline-first)\/\w/);
  expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npm install\nnpm start\n');
  return dir;
}

describe('temporal-db create', () => {
  it('finds the examples in the tarball: their sources only, no build output, no other example', () => {
    const shipped = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter((file) => file.startsWith('package/examples/'));
    for (const file of ['web-app/index.html', 'web-app/src/main.ts', 'web-app/vite.config.ts', 'node-service/server.mjs', 'offline-first/start.mjs', 'offline-first/src/main.ts']) {
      expect(shipped).toContain(`package/examples/${file}`);
    }
    expect(shipped.filter((file) => !/^package\/examples\/(web-app|node-service|offline-first)\//.test(file) || /\/(dist|node_modules)\//.test(file))).toEqual([]);
  });

  it('without --package depends on the version of the CLI that made it; refuses a folder that is not empty, writing nothing', () => {
    const dir = join(work, 'default');
    expect(cli(['create', 'node-service', dir]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies).toEqual({ 'temporal-db': version, lmdb: expect.any(String) });
    expect(existsSync(join(dir, 'server.mjs'))).toBe(true);

    const used = join(work, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'notes.txt'), 'mine\n');
    const refused = cli(['create', 'web-app', used]);
    expect([refused.code, refused.stdout]).toEqual([1, '']);
    expect(refused.stderr).toMatch(/^temporal-db create: .* is not empty.*\[TARGET_NOT_EMPTY\]\n$/);
    expect(readdirSync(used)).toEqual(['notes.txt']);

    const unknown = cli(['create', 'desktop-app', join(work, 'unknown')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('<example> is one of web-app, node-service, offline-first');
    expect(existsSync(join(work, 'unknown'))).toBe(false);
  });

  it('node-service: installs, starts with npm start and answers a route; stops on SIGTERM', async () => {
    const dir = created('node-service');
    npm(dir, ['install']);
    const started = await npmStart(dir, { PORT: '0', APP_PORT: '0', TEMPORAL_DB_PATH: join(dir, 'store') }, /^service\s+(http:\/\/127\.0\.0\.1:\d+)/m);
    const service = started.match[1]!;
    try {
      const body = { specType: 'ADR', identifier: 'ADR-001', title: 'Created from the template', content: 'It runs on its own.' };
      const stored = await fetch(`${service}/v1/specifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(stored.status).toBe(201);
      expect(await (await fetch(`${service}/v1/specifications/ADR-001`)).json()).toMatchObject({ ...body, version: 1 });
    } finally {
      await started.stop();
    }
    await expect(fetch(`${service}/v1/specifications`)).rejects.toThrow();
  });

  it('web-app: installs and builds (index.html and the bundle it loads)', () => {
    const dir = created('web-app');
    npm(dir, ['install']);
    npm(dir, ['run', 'build']);
    const html = readFileSync(join(dir, 'dist/index.html'), 'utf8');
    const bundle = /<script type="module" crossorigin src="\.\/(assets\/index-[\w-]+\.js)"><\/script>/.exec(html)?.[1];
    expect(bundle).toBeDefined();
    expect(readFileSync(join(dir, 'dist', bundle!), 'utf8')).toContain('temporal-db-web-app');
  });

  it('offline-first: installs, starts with npm start and serves the page and the seeded service', async () => {
    const dir = created('offline-first');
    npm(dir, ['install']);
    const started = await npmStart(dir, { PORT: '0' }, /^offline-first (http:\/\/127\.0\.0\.1:\d+\/)$/m);
    const url = started.match[1]!;
    try {
      expect(await (await fetch(url)).text()).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
      expect(await (await fetch(`${url}db/v1/specifications/ADR-001`)).json()).toMatchObject({ identifier: 'ADR-001', version: 2 });
    } finally {
      await started.stop();
    }
  });
});
