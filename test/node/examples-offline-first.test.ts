// examples/offline-first in the system Chromium: started as its README says (start.mjs: the page's build and the
// service on one origin), two clients in two persistent contexts (two profiles, so two IndexedDB stores). Client A
// goes offline (context.setOffline), both edit ADR-001, A comes back: both versions reach both pages, the conflict
// shows on both, the stores converge (identical export lines), and a version stored on one resolves it on both.
// Screenshots go to a temporary folder (printed) to be looked at.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../scripts/chromium-launch.js';
import { requireBuild, root, tempDir } from './cli-harness.js';

const dir = tempDir('example-offline-first');
const shots = join(dir, 'screenshots');
const contexts: BrowserContext[] = [];
let stopExample: (() => Promise<number | null>) | undefined;

beforeAll(() => {
  requireBuild();
  mkdirSync(shots, { recursive: true });
  process.stderr.write(`examples-offline-first screenshots: ${shots}\n`);
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await stopExample?.();
  if (!process.env.KEEP_SCREENSHOTS) rmSync(dir, { recursive: true, force: true });
});

/** `node examples/offline-first/start.mjs` on a free port, a store and a build in the temporary folder. */
async function startExample(): Promise<string> {
  const { NODE_ENV: _, ...env } = process.env;
  const child = spawn(process.execPath, [join(root, 'examples/offline-first/start.mjs')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, PORT: '0', TEMPORAL_DB_PATH: join(dir, 'store'), OUT_DIR: join(dir, 'build') },
  });
  const exit = once(child, 'close') as Promise<[number | null]>;
  stopExample = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return (await exit)[0];
  };
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stdout = '';
  return new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /^offline-first (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exit.then(([code]) => reject(new Error(`the example exited with ${code} before listening: ${stderr}`)));
  });
}

async function openClient(url: string, name: string): Promise<Page> {
  const context = await chromium.launchPersistentContext(join(dir, `profile-${name}`), { ...chromiumLaunchOptions, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}?client=${name}`);
  await page.locator('#app[data-ready="true"]').waitFor();
  Object.assign(page, { errors });
  return page;
}

/** The history as rendered: [version, title, author] per row, in the order shown. */
const rendered = (page: Page) =>
  page.locator('#history .history-row').evaluateAll((rows) => rows.map((row) => [Number((row as HTMLElement).dataset.version), (row as HTMLElement).dataset.id, row.children[1]!.textContent, row.children[3]!.textContent]));

/** The client's store exported, read through the page: its record lines (the header, which has the export's time, left out). */
const exported = (page: Page) =>
  page.evaluate(async () => {
    const lines: string[] = [];
    for await (const line of (window as unknown as { offlineFirst: { exportLines(): AsyncIterable<string> } }).offlineFirst.exportLines()) lines.push(line);
    return lines.slice(1);
  });

async function store(page: Page, fields: { title: string; content: string }): Promise<void> {
  await page.locator('#version-form [name=title]').fill(fields.title);
  await page.locator('#version-form [name=content]').fill(fields.content);
  await page.locator('#version-form button[type=submit]').click();
}

const syncStatus = (page: Page) => page.locator('#sync-status').getAttribute('data-status');

describe('examples/offline-first', () => {
  it('is started by the npm script its README names', () => {
    const readme = readFileSync(join(root, 'examples/offline-first/README.md'), 'utf8');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(readme).toContain('npm run example:offline-first');
    expect(scripts['example:offline-first']).toBe('npm run build && node examples/offline-first/start.mjs');
  });

  it('two clients, one offline, edit the same ADR: both versions reach both, the conflict shows, they converge, a new version resolves it', async () => {
    const url = await startExample();
    const api = async (path: string) => (await fetch(new URL(`db/v1${path}`, url))).json();
    const a = await openClient(url, 'A');
    const b = await openClient(url, 'B');

    // Both pull the service's seed: ADR-001 in two versions, no conflict.
    for (const page of [a, b]) {
      await expect.poll(() => rendered(page)).toHaveLength(2);
      await expect.poll(() => syncStatus(page)).toBe('idle');
      expect(await page.locator('#latest').getAttribute('data-version')).toBe('2');
      expect(await page.locator('#conflicts').getAttribute('data-count')).toBe('0');
    }
    expect(await rendered(a)).toEqual(await rendered(b));
    await a.screenshot({ path: join(shots, '1-seeded-A.png'), fullPage: true });

    // A goes offline; each stores version 3 of ADR-001.
    await a.context().setOffline(true);
    await expect.poll(() => a.locator('#network').textContent()).toBe('offline');
    await store(a, { title: 'Keep working offline (A)', content: 'Written on A without a network.' });
    await expect.poll(() => a.locator('#latest').getAttribute('data-version')).toBe('3');
    await expect.poll(() => syncStatus(a)).toBe('offline');
    await store(b, { title: 'Keep working offline (B)', content: 'Written on B, online.' });
    await expect.poll(async () => (await api('/specifications/ADR-001/history')).length).toBe(3);
    expect((await rendered(a)).map(([version, , title]) => [version, title])).toEqual([[1, 'Keep working offline'], [2, 'Keep working offline'], [3, 'Keep working offline (A)']]);
    expect(await a.locator('#conflicts').getAttribute('data-count')).toBe('0');
    await a.screenshot({ path: join(shots, '2-offline-A.png'), fullPage: true });
    await b.screenshot({ path: join(shots, '2-online-B.png'), fullPage: true });

    // A reconnects: its version is pushed, B's pulled; both pages list both versions 3 and the conflict.
    await a.context().setOffline(false);
    for (const page of [a, b]) {
      await expect.poll(() => rendered(page)).toHaveLength(4);
      await expect.poll(() => page.locator('#conflicts').getAttribute('data-count')).toBe('1');
      const threes = (await rendered(page)).filter(([version]) => version === 3).map(([, , title, author]) => [title, author]);
      expect(threes.sort()).toEqual([['Keep working offline (A)', 'A'], ['Keep working offline (B)', 'B']]);
      expect(await page.locator('#conflicts .sibling').count()).toBe(2);
      expect(await page.locator('#history .history-row.sibling').count()).toBe(2);
    }
    await expect.poll(() => syncStatus(a)).toBe('idle');
    await expect.poll(() => syncStatus(b)).toBe('idle');
    // Converged: the same history, the same version shown (the same winner), the same records line for line.
    expect(await rendered(a)).toEqual(await rendered(b));
    expect(await a.locator('#latest').textContent()).toBe(await b.locator('#latest').textContent());
    await expect.poll(async () => JSON.stringify(await exported(a))).toBe(JSON.stringify(await exported(b)));
    expect((await api('/specifications/ADR-001/history')).length).toBe(4);
    await a.screenshot({ path: join(shots, '3-conflict-A.png'), fullPage: true });
    await b.screenshot({ path: join(shots, '3-conflict-B.png'), fullPage: true });

    // B stores version 4: the conflict is resolved on both.
    await expect.poll(() => b.locator('#version-form button[type=submit]').textContent()).toBe('Store version 4 (resolves the conflict)');
    await store(b, { title: 'Keep working offline', content: 'Both edits merged by B.' });
    for (const page of [a, b]) {
      await expect.poll(() => page.locator('#latest').getAttribute('data-version')).toBe('4');
      await expect.poll(() => page.locator('#conflicts').getAttribute('data-count')).toBe('0');
      expect(await page.locator('#latest .content').textContent()).toBe('Both edits merged by B.');
      expect(await rendered(page)).toHaveLength(5);
    }
    await expect.poll(async () => JSON.stringify(await exported(a))).toBe(JSON.stringify(await exported(b)));
    await a.screenshot({ path: join(shots, '4-resolved-A.png'), fullPage: true });

    // Pause sync (the README's way to try it in two windows of one browser): a version stored on A stays on A until
    // the sync resumes.
    await a.locator('#pause').click();
    await expect.poll(() => syncStatus(a)).toBe('paused');
    await store(a, { title: 'Keep working offline', content: 'Written on A while its sync was paused.' });
    await expect.poll(() => a.locator('#latest').getAttribute('data-version')).toBe('5');
    expect(await a.locator('#message').textContent()).toBe('Stored ADR-001 version 5 on client A; it is pushed when the service can be reached.');
    expect((await api('/specifications/ADR-001')).version).toBe(4);
    await a.locator('#pause').click();
    await expect.poll(() => b.locator('#latest').getAttribute('data-version')).toBe('5');
    expect((await api('/specifications/ADR-001')).content).toBe('Written on A while its sync was paused.');
    await expect.poll(() => syncStatus(a)).toBe('idle');
    for (const page of [a, b]) expect((page as Page & { errors: string[] }).errors).toEqual([]);
    expect(await stopExample!()).toBe(0);
  });
});
