import { expect } from 'vitest';
import type { Backend } from '../../src/core/backend.js';
import type { CoreOptions } from '../../src/core/temporal-db.js';
import { TemporalDbError, type TemporalDb, type TemporalDbErrorCode } from '../../src/index.js';

/** One store location; every `open` of it sees the same data. */
export interface StoreUnderTest {
  open(options?: CoreOptions): Promise<TemporalDb>;
  /** The raw backend on the same location, for engine-level guarantees. */
  openBackend(): Promise<Backend>;
  destroy(): Promise<void>;
}

export interface BackendUnderTest {
  name: string;
  newStore(): StoreUnderTest;
}

/** What every part of the contract gets: fresh stores that are cleaned up, and a clock the test sets. */
export interface ContractContext {
  readonly target: BackendUnderTest;
  /** "Now" for every store the test opens; reset to T0 after each test. */
  now: number;
  openStore(options?: CoreOptions): Promise<{ store: StoreUnderTest; db: TemporalDb }>;
  reopen(store: StoreUnderTest): Promise<TemporalDb>;
  /** A new store location, destroyed after the test. */
  newStore(): StoreUnderTest;
}

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

export async function expectError(promise: Promise<unknown>, code: TemporalDbErrorCode, path?: Array<string | number>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TemporalDbError);
  const typed = error as TemporalDbError;
  expect(typed.code).toBe(code);
  if (path) expect(typed.path).toEqual(path);
  return typed;
}

export const adr = (identifier: string, extra: Record<string, unknown> = {}) => ({
  specType: 'ADR' as const,
  identifier,
  title: `Title of ${identifier}`,
  content: `Content of ${identifier}`,
  author: 'ana',
  ...extra,
});

/** A decision on `specId` at the storage-engine point, with `extra` fields over the defaults. */
export const decision = (specId: string, extra: Record<string, unknown> = {}) => ({
  specId,
  decisionPoint: 'storage-engine',
  selectedOption: 'LMDB',
  context: 'embedded',
  author: 'ana',
  confidence: 0.9,
  ...extra,
});
