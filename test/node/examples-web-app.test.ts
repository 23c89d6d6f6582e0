// examples/web-app in the system Chromium: built and served as its README says, opened in a persistent profile (so
// IndexedDB and the service worker outlive a reload and a restart), used online, then with the server gone and the
// context offline. Screenshots go to a temporary folder (printed) to be looked at.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../scripts/chromium-launch.js';
import { SEED_DECISIONS, SEED_VERSIONS } from '../../examples/web-app/src/seed.js';
import { requireBuild, root, tempDir } from './cli-harness.js';
import { cleanUpExamples, startServiceExample } from './examples-harness.js';
import { startWebApp, type RunningWebApp } from './examples-web-app-harness.js';

const dir = tempDir('example-web-app');
const shots = join(dir, 'screenshots');
const profile = join(dir, 'profile');
let app: RunningWebApp | undefined;
let context: BrowserContext | undefined;
const started: { stop(): Promise<unknown> }[] = [];
const opened: BrowserContext[] = [];

beforeAll(() => {
  requireBuild();
  mkdirSync(shots, { recursive: true });
  process.stderr.write(`examples-web-app screenshots: ${shots}\n`);
});
afterAll(async () => {
  await context?.close();
  await app?.stop();
  for (const browser of opened) await browser.close();
  for (const running of started) await running.stop();
  cleanUpExamples();
  if (!process.env.KEEP_SCREENSHOTS) rmSync(dir, { recursive: true, force: true });
});

const launch = (options: { offline?: boolean } = {}, userDataDir = profile) =>
  chromium.launchPersistentContext(userDataDir, { ...chromiumLaunchOptions, viewport: { width: 1280, height: 1100 }, ...options });

/** Loads (or reloads) the page and waits until the app has read the store. */
async function ready(page: Page, load: () => Promise<unknown>): Promise<void> {
  await load();
  await page.locator('#app[data-ready="true"]').waitFor();
}

/** The list as [identifier, latest version] pairs, in the order shown. */
const listed = (page: Page) =>
  page.locator('#spec-list .spec').evaluateAll((buttons) => buttons.map((b) => [(b as HTMLElement).dataset.identifier, Number((b as HTMLElement).dataset.version)]));

const versionsOf = (identifier: string) => SEED_VERSIONS.filter((v) => v.identifier === identifier);

/** Moves the as-of slider to `at` as a user would (the input event), and waits for the version shown to follow. */
async function slideTo(page: Page, at: number, expectedVersion: number): Promise<void> {
  await page.locator('#as-of').fill(String(at));
  await expect.poll(() => page.locator('#version-shown').getAttribute('data-version')).toBe(String(expectedVersion));
}

describe('examples/web-app', () => {
  it('is started by the npm script its README names', () => {
    const readme = readFileSync(join(root, 'examples/web-app/README.md'), 'utf8');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(readme).toContain('npm run example:web');
    expect(scripts['example:web']).toBe('npm run build && node examples/web-app/serve.mjs');
  });

  it('serves the build and nothing else, on 127.0.0.1, with the service worker and the shell it caches', async () => {
    const web = await startWebApp(join(dir, 'build-static'));
    started.push(web);
    const get = (path: string) => fetch(new URL(path, web.url));
    const page = await get('./');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const worker = await (await get('./sw.js')).text();
    const shell = JSON.parse(/^const SHELL = (.*);$/m.exec(worker)![1]!) as string[];
    expect(shell).toContain('./index.html');
    for (const file of shell) expect((await get(file)).status, file).toBe(200);
    // Every script the page loads is in the shell, so it is there offline.
    for (const [, src] of (await page.text()).matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)) expect(shell).toContain(src);
    // Paths sent as written (fetch would resolve the dots itself).
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(web.url);
        request({ host: hostname, port, path }, (response) => resolve(response.resume().statusCode!)).on('error', reject).end();
      });
    // A file beside the build folder (OUT_DIR is dir/build-static) is not served, however the path is spelled.
    writeFileSync(join(dir, 'beside.txt'), 'not for the web\n');
    for (const outside of ['/../beside.txt', '/%2e%2e/beside.txt', '/assets/../../beside.txt', '/..%2fbeside.txt', '/src/main.ts', '/missing.js']) expect(await raw(outside), outside).toBe(404);
    expect(await raw('/%E0%A4%A')).toBe(400);
    expect((await get('./')).status).toBe(200); // still serving
  });

  it('shows the list, the as-of timeline, a diff and the analysis, and keeps working offline', async () => {
    app = await startWebApp(join(dir, 'build'));
    context = await launch();
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await ready(page, () => page.goto(app!.url));
    // The service worker has cached the shell (the pill says so only once it is active).
    await page.locator('#shell.ok').waitFor();

    // The list: every seeded specification, its latest version number; the type filter narrows it.
    const identifiers = [...new Set(SEED_VERSIONS.map((v) => v.identifier))].sort();
    expect(await listed(page)).toEqual(identifiers.map((id) => [id, versionsOf(id).length]));
    await page.locator('#type-filter').selectOption('PRD');
    await expect.poll(() => listed(page)).toEqual(identifiers.filter((id) => id.startsWith('PRD-')).map((id) => [id, versionsOf(id).length]));
    await page.locator('#type-filter').selectOption('');
    await expect.poll(() => listed(page)).toHaveLength(identifiers.length);

    // The timeline of ADR-002: one marker per version; between two versions the slider shows the earlier one.
    await page.locator('.spec[data-identifier="ADR-002"]').click();
    await expect.poll(() => page.locator('#timeline-title').textContent()).toContain('ADR-002');
    const seeded = versionsOf('ADR-002');
    const stamps = (await page.locator('#timeline-markers .marker').evaluateAll((ms) => ms.map((m) => Number((m as HTMLElement).dataset.timestamp))));
    expect(stamps).toHaveLength(seeded.length);
    expect(await page.locator('#version-shown').getAttribute('data-version')).toBe(String(seeded.length)); // the latest first
    await slideTo(page, Math.round((stamps[0]! + stamps[1]!) / 2), 1);
    expect(await page.locator('#version-shown .content').textContent()).toBe(seeded[0]!.content);
    expect(await page.locator('#version-shown .version-number').textContent()).toBe(`Version 1 of ${seeded.length}`);
    await slideTo(page, Math.round((stamps[1]! + stamps[2]!) / 2), 2);
    expect(await page.locator('#version-shown .content').textContent()).toBe(seeded[1]!.content);
    await page.screenshot({ path: join(shots, '1-timeline-as-of.png'), fullPage: true });
    // The right end is now: the latest version again.
    await slideTo(page, Number(await page.locator('#as-of').getAttribute('max')), seeded.length);
    expect(await page.locator('#as-of-instant').textContent()).toMatch(/^now /);

    // The diff: from version 1 to the latest, the lines only the old one has are deleted, those only the new one has
    // inserted (these seeds repeat no line, so that is the whole diff).
    await page.locator('#diff-from').selectOption('1');
    const oldLines = seeded[0]!.content.split('\n');
    const newLines = seeded.at(-1)!.content.split('\n');
    const marked = (op: string) => page.locator(`#diff .diff-line.${op}`).allTextContents();
    await expect.poll(() => marked('delete')).toEqual(oldLines.filter((line) => !newLines.includes(line)).map((line) => `- ${line}`));
    expect(await marked('insert')).toEqual(newLines.filter((line) => !oldLines.includes(line)).map((line) => `+ ${line}`));
    const [first, last] = [seeded[0]!, seeded.at(-1)!];
    const fields = (['title', 'status', 'author'] as const).filter((field) => first[field] !== last[field]);
    expect(fields.length).toBeGreaterThan(0);
    expect(await page.locator('#diff .diff-field').allTextContents()).toEqual(fields.map((field) => `${field}: ${first[field]} → ${last[field]}`));

    // The chart: one row per decision point, its total and confident (> 0.7) counts, one bar segment per option.
    const rows = () =>
      page.locator('#analysis-chart .chart-row').evaluateAll((gs) =>
        gs.map((g) => [(g as SVGElement).dataset.decisionPoint, Number((g as SVGElement).dataset.total), Number((g as SVGElement).dataset.selected), g.querySelectorAll('.chart-option').length]),
      );
    const points = [...new Set(SEED_DECISIONS.map((d) => d.decisionPoint))];
    const expected = points.map((point) => {
      const taken = SEED_DECISIONS.filter((d) => d.decisionPoint === point);
      return [point, taken.length, taken.filter((d) => (d.confidence ?? 0) > 0.7).length, new Set(taken.map((d) => d.selectedOption)).size];
    });
    expect(await rows()).toEqual(expect.arrayContaining(expected));
    expect(await rows()).toHaveLength(points.length);

    // A refused write says why (the library's code and field) and writes nothing.
    const before = await listed(page);
    await page.locator('#version-form [name=identifier]').fill('X'.repeat(1025));
    await page.locator('#version-form button[type=submit]').click();
    await expect.poll(() => page.locator('#message.error').textContent()).toMatch(/\[INVALID_INPUT at identifier\]$/);
    expect(await listed(page)).toEqual(before);

    // A decision recorded through the form shows in the chart.
    const storage = expected.find(([point]) => point === 'browser-storage')!;
    await page.locator('#decision-form [name=decisionPoint]').fill('browser-storage');
    await page.locator('#decision-form [name=selectedOption]').fill('IndexedDB');
    await page.locator('#decision-form [name=context]').fill('tried in the test');
    await page.locator('#decision-form [name=confidence]').fill('0.9');
    await page.locator('#decision-form button[type=submit]').click();
    await expect.poll(async () => (await rows()).find(([point]) => point === 'browser-storage')).toEqual(['browser-storage', Number(storage[1]) + 1, Number(storage[2]) + 1, storage[3]]);
    await page.screenshot({ path: join(shots, '2-online.png'), fullPage: true });

    // Two tabs: a version stored in one shows in the other's list and timeline, without a reload (live queries).
    const other = await context.newPage();
    await ready(other, () => other.goto(`${app!.url}#ADR-003`));
    const adr3 = versionsOf('ADR-003').length;
    expect(await other.locator('#version-shown').getAttribute('data-version')).toBe(String(adr3));
    await page.locator('.spec[data-identifier="ADR-003"]').click();
    await expect.poll(() => page.locator('#version-form [name=identifier]').inputValue()).toBe('ADR-003');
    await page.locator('#version-form [name=title]').fill('Synchronise through the Node service (amended in another tab)');
    await page.locator('#version-form button[type=submit]').click();
    await expect.poll(() => other.locator('#version-shown').getAttribute('data-version')).toBe(String(adr3 + 1));
    expect(await other.locator('#timeline-title').textContent()).toBe('ADR-003: Synchronise through the Node service (amended in another tab)');
    expect(await listed(other)).toContainEqual(['ADR-003', adr3 + 1]);
    // Its form, not typed into there, now starts from the new version.
    await expect.poll(() => other.locator('#version-form [name=title]').inputValue()).toBe('Synchronise through the Node service (amended in another tab)');
    expect(await other.locator('#diff .diff-summary').textContent()).toBe('Content unchanged.');
    await other.screenshot({ path: join(shots, '2b-other-tab.png'), fullPage: true });
    await other.close();

    // Offline: the server is gone and the context has no network. The reload comes from the service worker's cache,
    // the data from IndexedDB.
    expect(await app.stop()).toBe(0);
    await context.setOffline(true);
    await ready(page, () => page.reload());
    expect(await page.locator('#network').textContent()).toBe('offline');
    await page.locator('#shell.ok').waitFor();
    const withAdr3 = (id: string) => [id, versionsOf(id).length + (id === 'ADR-003' ? 1 : 0)];
    expect(await listed(page)).toEqual(identifiers.map(withAdr3));
    expect(await rows()).toContainEqual(['browser-storage', Number(storage[1]) + 1, Number(storage[2]) + 1, storage[3]]);

    // A version stored offline shows in the list, the timeline and the diff.
    await page.locator('.spec[data-identifier="ADR-002"]').click();
    await expect.poll(() => page.locator('#version-form [name=identifier]').inputValue()).toBe('ADR-002');
    const content = `${seeded.at(-1)!.content}\nWritten offline.`;
    await page.locator('#version-form [name=content]').fill(content);
    await page.locator('#version-form [name=status]').selectOption('superseded');
    await page.locator('#version-form button[type=submit]').click();
    const next = seeded.length + 1;
    await expect.poll(() => page.locator('#version-shown').getAttribute('data-version')).toBe(String(next));
    expect(await page.locator('#version-shown .content').textContent()).toBe(content);
    expect(await page.locator('#message').textContent()).toBe(`Stored ADR-002 version ${next}.`);
    expect(await listed(page)).toContainEqual(['ADR-002', next]);
    await expect.poll(() => marked('insert')).toEqual(['+ Written offline.']);
    await page.screenshot({ path: join(shots, '3-offline-stored.png'), fullPage: true });
    expect(errors).toEqual([]);

    // A restart of the browser, still offline and without the server: the same shell and the version written offline.
    await context.close();
    context = await launch({ offline: true });
    const again = context.pages()[0] ?? (await context.newPage());
    await ready(again, () => again.goto(app!.url));
    await again.locator('#shell.ok').waitFor();
    expect(await listed(again)).toContainEqual(['ADR-002', next]);
    await again.screenshot({ path: join(shots, '4-offline-restart.png'), fullPage: true });
  });

  it('syncs with examples/node-service when opened with ?sync=, both ways and live, and resumes on the next start', async () => {
    const web = await startWebApp(join(dir, 'build-sync'));
    started.push(web);
    const service = await startServiceExample({ CORS_ORIGINS: new URL(web.url).origin });
    started.push(service);
    const api = async (path: string, init?: RequestInit) => (await fetch(`${service.service}${path}`, init)).json();
    const browser = await launch({}, join(dir, 'profile-sync'));
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await ready(page, () => page.goto(`${web.url}?sync=${encodeURIComponent(service.service)}#ADR-002`));
      // The seeded store is pushed: the service holds every seeded version.
      await expect.poll(() => page.locator('#sync-status').getAttribute('data-status')).toBe('idle');
      await expect.poll(async () => (await api('/v1/specifications/ADR-002/history')).length).toBe(versionsOf('ADR-002').length);
      const pushed = Number(/Since start: (\d+) records pushed, 0 pulled/.exec((await page.locator('#sync-status').textContent())!)?.[1]);
      expect(pushed).toBeGreaterThanOrEqual(SEED_VERSIONS.length + SEED_DECISIONS.length);
      expect((await api('/v1/specifications')).map((s: { identifier: string; version: number }) => [s.identifier, s.version])).toEqual(
        [...new Set(SEED_VERSIONS.map((v) => v.identifier))].sort().map((id) => [id, versionsOf(id).length]),
      );

      // A version written to the service arrives in the open page without a reload (a poke, a pull, the live query).
      const latest = versionsOf('ADR-002').at(-1)!;
      const body = { specType: 'ADR', identifier: 'ADR-002', title: latest.title, status: 'accepted', author: 'service', content: `${latest.content}\nWritten through the service.` };
      const written = await api('/v1/specifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(written).toMatchObject({ identifier: 'ADR-002', version: versionsOf('ADR-002').length + 1 });
      await expect.poll(() => page.locator('#version-shown').getAttribute('data-version')).toBe(String(written.version));
      expect(await page.locator('#version-shown .content').textContent()).toBe(body.content);

      // A version stored in the app reaches the service.
      await page.locator('#version-form [name=status]').selectOption('deprecated');
      await page.locator('#version-form button[type=submit]').click();
      await expect.poll(async () => (await api('/v1/specifications/ADR-002')).version).toBe(written.version + 1);
      expect((await api('/v1/specifications/ADR-002')).status).toBe('deprecated');
      await page.screenshot({ path: join(shots, '5-sync.png'), fullPage: true });

      // Offline, a version is kept in the page and the panel says the service cannot be reached; back online, it is pushed.
      await browser.setOffline(true);
      await page.locator('#version-form [name=status]').selectOption('superseded');
      await page.locator('#version-form button[type=submit]').click();
      await expect.poll(() => page.locator('#version-shown').getAttribute('data-version')).toBe(String(written.version + 2));
      await expect.poll(() => page.locator('#sync-status').getAttribute('data-status')).toBe('offline');
      expect((await api('/v1/specifications/ADR-002')).version).toBe(written.version + 1);
      await page.screenshot({ path: join(shots, '6-sync-offline.png'), fullPage: true });
      await browser.setOffline(false);
      await expect.poll(async () => (await api('/v1/specifications/ADR-002')).status).toBe('superseded');
      await expect.poll(() => page.locator('#sync-status').getAttribute('data-status')).toBe('idle');

      // Opened again without ?sync=: the saved address, and it is in sync at once.
      await ready(page, () => page.goto(web.url));
      expect(await page.locator('#sync-url').inputValue()).toBe(service.service);
      await expect.poll(() => page.locator('#sync-status').getAttribute('data-status')).toBe('idle');

      // A second browser's first run with ?sync= takes the service's ADRs instead of seeding copies of its own (which
      // would be concurrent versions of the same identifiers): the same list, and every version number once.
      const second = await launch({}, join(dir, 'profile-sync-2'));
      opened.push(second);
      const page2 = second.pages()[0] ?? (await second.newPage());
      await ready(page2, () => page2.goto(`${web.url}?sync=${encodeURIComponent(service.service)}`));
      expect(await page2.locator('#message').textContent()).not.toContain('First run');
      expect(await listed(page2)).toEqual(await listed(page));
      const numbers = (await api('/v1/specifications/ADR-002/history')).map((v: { version: number }) => v.version);
      expect(numbers).toEqual(Array.from({ length: written.version + 2 }, (_, i) => i + 1));
    } finally {
      await browser.close();
    }
  });
});
