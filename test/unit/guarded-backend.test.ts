import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LmdbBackend } from '../../src/backends/lmdb/lmdb-backend.js';
import type { Backend } from '../../src/core/backend.js';
import { guardBackend } from '../../src/core/guarded-backend.js';
import { TemporalDb } from '../../src/core/temporal-db.js';
import { TemporalDbError } from '../../src/index.js';

type Method = 'get' | 'getMany' | 'range' | 'count' | 'read' | 'commit' | 'backup' | 'close';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real LMDB backend whose `method` fails the way an engine does: a raw error, thrown or rejected. */
function failing(method: Method, failure: unknown, how: 'throw' | 'reject' = 'reject'): { backend: Backend; armed: { on: boolean } } {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-db-guard-'));
  dirs.push(dir);
  const real = LmdbBackend.open(dir);
  const armed = { on: false };
  const backend = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        if (!armed.on) return value.apply(target, args);
        if (how === 'throw') throw failure;
        return Promise.reject(failure);
      };
    },
  });
  return { backend, armed };
}

async function caught(promise: Promise<unknown>): Promise<TemporalDbError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemporalDbError);
  return error as TemporalDbError;
}

const adr = { specType: 'ADR' as const, identifier: 'ADR-001', title: 't', content: 'c' };

describe('engine errors', () => {
  const cases: Array<[Method, 'throw' | 'reject', (db: TemporalDb) => Promise<unknown>, RegExp]> = [
    ['get', 'reject', (db) => db.getConflicts('ADR-000'), /lmdb engine failed \(get heads\): Error: disk on fire/],
    ['range', 'reject', (db) => db.getSpecification('ADR-000', { version: 1 }), /failed \(range specifications\)/],
    ['get', 'throw', (db) => db.recordDecision({ specId: 'ADR-000', decisionPoint: 'p', selectedOption: 'v', context: 'c', author: 'a' }), /failed \(get heads\)/],
    ['range', 'reject', (db) => db.getLatestSpecification('ADR', 'ADR-000'), /failed \(range specifications\)/],
    ['range', 'throw', (db) => db.getChanges(), /failed \(range changes\)/],
    ['range', 'reject', (db) => db.getSpecificationHistory('ADR-001'), /failed \(range specifications\)/],
    ['getMany', 'reject', (db) => db.listSpecifications(), /failed \(getMany specifications\)/],
    ['read', 'reject', (db) => db.exportLines()[Symbol.asyncIterator]().next(), /failed \(read\)/],
    ['count', 'reject', (db) => db.statistics(), /failed \(count /],
    ['commit', 'reject', (db) => db.storeSpecification(adr), /failed \(commit\)/],
    ['commit', 'throw', (db) => db.deleteSpecification('ADR-000'), /failed \(commit\)/],
    ['backup', 'reject', (db) => db.backup(join(tmpdir(), 'temporal-db-guard-nowhere')), /failed \(backup .*nowhere\)/],
    ['close', 'reject', (db) => db.close(), /failed \(close\)/],
  ];

  for (const [method, how, call, message] of cases) {
    it(`surfaces a raw error from ${method} (${how === 'throw' ? 'thrown' : 'rejected'}) as STORAGE_ERROR with the engine's error in cause`, async () => {
      const raw = new Error('disk on fire');
      const { backend, armed } = failing(method, raw, how);
      const db = await TemporalDb.create(backend);
      await db.storeSpecification({ ...adr, identifier: 'ADR-000' });
      armed.on = true;
      const error = await caught(call(db));
      expect(error.code).toBe('STORAGE_ERROR');
      expect(error.cause).toBe(raw);
      expect(error.message).toMatch(message);
      armed.on = false;
      if (!db.closed) await db.close();
      else await backend.close().catch(() => undefined);
    });
  }

  it('passes coded errors through unchanged, and a value that is not an Error too', async () => {
    const coded = new TemporalDbError('DATABASE_CLOSED', 'gone');
    const { backend, armed } = failing('get', coded);
    const db = await TemporalDb.create(backend);
    armed.on = true;
    expect(await caught(db.getConflicts('ADR-001'))).toBe(coded);
    armed.on = false;
    await db.close();

    const other = failing('range', 'a string', 'throw');
    const db2 = await TemporalDb.create(other.backend);
    other.armed.on = true;
    const error = await caught(db2.getChanges());
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.cause).toBe('a string');
    other.armed.on = false;
    await db2.close();
  });

  it("passes a backend's storage use into statistics() and its QUOTA_EXCEEDED through unchanged", async () => {
    const full = new TemporalDbError('QUOTA_EXCEEDED', 'full');
    const { backend, armed } = failing('commit', full);
    const use = { usage: 1_000, quota: 50_000, persisted: false };
    const withStorage = new Proxy(backend, {
      get: (target, property, receiver) => (property === 'storage' ? async () => use : Reflect.get(target, property, receiver)),
    });
    const db = await TemporalDb.create(withStorage);
    await db.storeSpecification(adr);
    expect(await db.statistics()).toMatchObject({ versions: 1, storage: use });
    armed.on = true;
    expect(await caught(db.storeSpecification({ ...adr, identifier: 'ADR-002' }))).toBe(full);
    armed.on = false;
    expect((await db.statistics()).versions).toBe(1);
    await db.close();

    // LMDB does not know a quota: no storage field.
    const plain = await TemporalDb.create(failing('get', new Error('unused')).backend);
    expect(await plain.statistics()).not.toHaveProperty('storage');
    await plain.close();
  });

  it('keeps what a backend offers, and passes coded errors through a second guard unchanged', async () => {
    const { backend, armed } = failing('get', new Error('disk on fire'));
    const guarded = guardBackend(backend);
    armed.on = true;
    const once = await caught(guarded.get('meta', ['x']));
    expect(await caught(guardBackend(guarded).get('meta', ['x']))).toMatchObject({ code: 'STORAGE_ERROR', message: once.message });
    armed.on = false;
    expect(guarded.kind).toBe('lmdb');
    expect(typeof guarded.backup).toBe('function');
    const withoutBackup: Backend = { ...guarded, kind: 'plain', backup: undefined } as unknown as Backend;
    delete (withoutBackup as { backup?: unknown }).backup;
    expect(guardBackend(withoutBackup).backup).toBeUndefined();
    await guarded.close();
  });
});
