import { afterEach, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { TemporalDbError, type TemporalDb } from '../../src/index.js';
import { adr } from '../contract/context.js';
import { testDatabases } from './databases.js';
import { exportLines } from '../../src/interchange.js';

// Real Chromium only: the quota is set through the DevTools protocol, for this page's browser context.
const { open } = testDatabases('quota');

afterEach(async () => {
  await setQuota(undefined);
});


/** The quota Chromium enforces for this origin, in bytes; `undefined` lifts the override. */
async function setQuota(quotaSize: number | undefined): Promise<void> {
  await cdp().send('Storage.overrideQuotaForOrigin', { origin: location.origin, ...(quotaSize === undefined ? {} : { quotaSize }) });
}

/**
 * A quota `room` bytes above what the origin uses, enforced from the next commit on. Chromium's
 * IndexedDB grants space from a cached answer of the quota manager for up to 30 s, so the origin's
 * IndexedDB is cleared first (which drops that cache with its backing store), as site data is.
 */
async function leaveRoom(room: number): Promise<void> {
  await cdp().send('Storage.clearDataForOrigin', { origin: location.origin, storageTypes: 'indexeddb' });
  const { usage } = (await cdp().send('Storage.getUsageAndQuota', { origin: location.origin })) as { usage: number };
  await setQuota(usage + room);
}

/** Random hex: Chromium compresses large values, and this halves at most. */
function noise(bytes: number): string {
  const random = new Uint8Array(bytes / 2);
  // getRandomValues fills at most 64 kB at a time.
  for (let at = 0; at < random.length; at += 65_536) crypto.getRandomValues(random.subarray(at, at + 65_536));
  return Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

const batch = (round: number) => Array.from({ length: 5 }, (_, i) => adr(`ADR-${round}-${i}`, { content: noise(40_000) }));

async function snapshot(db: TemporalDb) {
  const { storage: _, ...counts } = await db.statistics();
  const lines: string[] = [];
  for await (const line of exportLines(db)) lines.push(line);
  // The header's export time changes from one export to the next.
  return { counts, records: lines.slice(1) };
}

describe('a full IndexedDB quota', () => {
  it('fails the batch that does not fit with QUOTA_EXCEEDED, writes nothing of it, and the store takes writes once there is room', async () => {
    await leaveRoom(600_000);
    const db = await open();
    await db.storeSpecification(adr('ADR-000'));
    let before = await snapshot(db);
    let failure: unknown;
    let round = 0;
    for (; round < 40 && failure === undefined; round++) {
      try {
        await db.storeSpecifications(batch(round));
        before = await snapshot(db);
      } catch (error) {
        failure = error;
      }
    }
    // About 200 kB a batch against 600 kB: it fills after a few.
    expect(round).toBeGreaterThan(1);
    expect(failure).toBeInstanceOf(TemporalDbError);
    expect(failure).not.toBeInstanceOf(DOMException);
    expect(failure).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect((failure as TemporalDbError).cause).toMatchObject({ name: 'QuotaExceededError' });

    const failed = round - 1;
    expect(await snapshot(db)).toEqual(before);
    for (let i = 0; i < 5; i++) expect(await db.getSpecification(`ADR-${failed}-${i}`)).toBeUndefined();
    expect(await db.getChanges({ specId: `ADR-${failed}-0` })).toEqual([]);

    // A single write that does not fit either: the same code, never the raw DOMException.
    const single = await db.storeSpecification(adr('ADR-big', { content: noise(800_000) })).catch((error: unknown) => error);
    expect(single).toBeInstanceOf(TemporalDbError);
    expect(single).toMatchObject({ code: 'QUOTA_EXCEEDED' });

    await setQuota(undefined);
    const stored = await db.storeSpecifications(batch(failed));
    expect(stored.map((s) => s.version)).toEqual([1, 1, 1, 1, 1]);
    expect(await db.getSpecification(`ADR-${failed}-4`)).toEqual(stored[4]);
    expect((await db.statistics()).versions).toBe(before.counts.versions + 5);
  });

  it('refuses only the writes that do not fit among concurrent ones, and takes them once the quota is raised', async () => {
    await leaveRoom(250_000);
    const db = await open();
    const inputs = Array.from({ length: 5 }, (_, i) => adr(`ADR-00${i}`, { content: noise(150_000) }));
    const outcomes = await Promise.allSettled(inputs.map((input) => db.storeSpecification(input)));
    const refused = inputs.filter((_, i) => outcomes[i]!.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        expect(await db.getSpecification(inputs[i]!.identifier)).toEqual(outcome.value);
      } else {
        expect(outcome.reason).toBeInstanceOf(TemporalDbError);
        expect(outcome.reason).toMatchObject({ code: 'QUOTA_EXCEEDED' });
        expect(await db.getSpecification(inputs[i]!.identifier)).toBeUndefined();
        expect(await db.getChanges({ specId: inputs[i]!.identifier })).toEqual([]);
      }
    }
    expect((await db.statistics()).versions).toBe(inputs.length - refused.length);

    await setQuota(10_000_000);
    for (const input of refused) expect((await db.storeSpecification(input)).version).toBe(1);
    expect((await db.statistics()).versions).toBe(inputs.length);
  });
});
