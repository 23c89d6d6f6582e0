import { describe, expect, it } from 'vitest';
import { persistStorage } from '../../src/indexeddb.js';
import { adr } from '../contract/context.js';
import { testDatabases } from './databases.js';

// Runs in real Chromium (navigator.storage), and under happy-dom with fake-indexeddb (no navigator.storage).
const chromium = !('happyDOM' in globalThis) && typeof navigator !== 'undefined' && /Chrome/.test(navigator.userAgent);

const { open } = testDatabases('storage');


/** What the DevTools protocol says of this page's browser context (Chromium only). */
async function devtools() {
  const { cdp } = await import('vitest/browser');
  const { targetInfo } = (await cdp().send('Target.getTargetInfo', {})) as { targetInfo: { browserContextId: string } };
  return { cdp: cdp(), browserContextId: targetInfo.browserContextId };
}

describe('browser storage', () => {
  it('reports the origin’s storage use in statistics() where the browser tells it, and only the counts where it does not', async () => {
    const db = await open();
    await db.storeSpecification(adr('ADR-001'));
    const before = await db.statistics();
    expect(before).toMatchObject({ specifications: 1, versions: 1, changes: 1 });
    if (!chromium) {
      expect(before).not.toHaveProperty('storage');
      return;
    }
    const { cdp } = await devtools();
    const enforced = (await cdp.send('Storage.getUsageAndQuota', { origin: location.origin })) as { usage: number };
    expect(before.storage).toEqual({ usage: enforced.usage, quota: expect.any(Number), persisted: await navigator.storage.persisted() });
    expect(before.storage!.quota).toBeGreaterThan(before.storage!.usage);

    const content = Array.from(crypto.getRandomValues(new Uint8Array(60_000)), (byte) => byte.toString(16).padStart(2, '0')).join('');
    await db.storeSpecifications(Array.from({ length: 4 }, (_, i) => adr(`ADR-1${i}`, { content })));
    const after = await db.statistics();
    expect(after.versions).toBe(5);
    expect(after.storage!.usage).toBeGreaterThan(before.storage!.usage);
    expect(after.storage!.quota).toBeGreaterThan(after.storage!.usage);
  });

  it('asks the browser to keep the store and answers whether it will, never throwing', async () => {
    const first = await persistStorage();
    expect(typeof first).toBe('boolean');
    if (!chromium) {
      // No StorageManager (as in an insecure context): nothing promises the data stays.
      expect(first).toBe(false);
      return;
    }
    expect(first).toBe(await navigator.storage.persisted());
    // Granted, as a browser does for an installed app: the store is then persistent, and statistics() says so.
    const { cdp, browserContextId } = await devtools();
    const permission = { permission: { name: 'persistent-storage' }, origin: location.origin, browserContextId };
    await cdp.send('Browser.setPermission', { ...permission, setting: 'granted' });
    try {
      expect(await persistStorage()).toBe(true);
      expect(await navigator.storage.persisted()).toBe(true);
      expect((await (await open()).statistics()).storage?.persisted).toBe(true);
    } finally {
      await cdp.send('Browser.setPermission', { ...permission, setting: 'prompt' });
    }
  });
});
