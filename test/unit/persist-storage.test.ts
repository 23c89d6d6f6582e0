import { describe, expect, it } from 'vitest';
import { persistStorage as persistIndexedDb } from '../../src/indexeddb.js';
import { persistStorage } from '../../src/lmdb.js';

describe('persistStorage() in Node', () => {
  it('answers true for the LMDB build: a store in a file is never evicted', async () => {
    expect(await persistStorage()).toBe(true);
  });

  it('answers false, without throwing, for the IndexedDB build where there is no navigator.storage', async () => {
    expect((globalThis.navigator as Navigator | undefined)?.storage).toBeUndefined();
    expect(await persistIndexedDb()).toBe(false);
  });
});
