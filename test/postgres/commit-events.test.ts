import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeKeyString, type CommitEvent, type TemporalDb } from '../../src/index.js';
import { watch } from '../../src/live.js';
import { openTemporalDb } from '../../src/postgres.js';
import { PG_TEST_URL, dropSchema, freshSchema, rawClient, until } from './server.js';

const schemas: string[] = [];
const open: TemporalDb[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

async function instance(schema: string, application?: string): Promise<TemporalDb> {
  const db = await openTemporalDb({ connectionString: PG_TEST_URL, schema, ...(application ? { pool: { application_name: application } } : {}) });
  open.push(db);
  return db;
}

function record(db: TemporalDb): CommitEvent[] {
  const events: CommitEvent[] = [];
  db.onCommit((event) => events.push(event));
  return events;
}

const adr = (identifier: string, content: string) => ({ specType: 'ADR' as const, identifier, title: 't', content });
const heardOf = (events: CommitEvent[], identifier: string) =>
  events.some((event) => event.writes.some((key) => key[0] === 'heads' && key[1] === encodeKeyString(identifier)));

describe('db.onCommit on PostgreSQL', () => {
  it('two instances on one schema hear each other’s commits once each, in order; another schema’s are not heard', async () => {
    const schema = freshSchema();
    const other = freshSchema();
    schemas.push(schema, other);
    const [a, b, elsewhere] = [await instance(schema), await instance(schema), await instance(other)];
    const heardByA = record(a);
    const heardByB = record(b);
    await elsewhere.storeSpecification(adr('ADR-OTHER', 'other schema'));
    await Promise.all(
      [a, b].flatMap((db, d) => Array.from({ length: 15 }, (_, i) => db.storeSpecification(adr(`ADR-${d}${i % 3}`, `${d}-${i}`)))),
    );
    for (let i = 0; i < 5; i++) await Promise.all([a.storeSpecification(adr('ADR-A', `a${i}`)), b.storeSpecification(adr('ADR-B', `b${i}`))]);
    await b.storeSpecification(adr('ADR-END', 'end'));
    await vi.waitFor(() => expect([heardOf(heardByA.slice(-1), 'ADR-END'), heardOf(heardByB.slice(-1), 'ADR-END')]).toEqual([true, true]), {
      timeout: 20_000,
    });
    const seqs = heardByA.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(heardByB).toEqual(heardByA.map((event) => ({ ...event, local: !event.local })));
    expect(heardOf(heardByA, 'ADR-OTHER')).toBe(false);
  });

  it('listens again when its LISTEN connection is dropped, and hears what was committed meanwhile', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const a = await instance(schema, 'temporal-db-test-listen-a');
    const b = await instance(schema);
    const heard = record(a);
    const admin = await rawClient();
    try {
      const listening = "SELECT count(*) = 1 AS ok FROM pg_stat_activity WHERE application_name = 'temporal-db-test-listen-a' AND query LIKE 'LISTEN%'";
      await until(admin, listening);
      await admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = 'temporal-db-test-listen-a' AND query LIKE 'LISTEN%'");
      await b.storeSpecification(adr('ADR-WHILE-DROPPED', 'b'));
      await vi.waitFor(() => expect(heardOf(heard, 'ADR-WHILE-DROPPED')).toBe(true), { timeout: 20_000 });
      await until(admin, listening);
      await b.storeSpecification(adr('ADR-AFTER', 'b'));
      await vi.waitFor(() => expect(heardOf(heard, 'ADR-AFTER')).toBe(true), { timeout: 20_000 });
      expect(heard.map((e) => e.local)).toEqual([false, false]);
    } finally {
      await admin.end();
    }
  });

  it('a live query on one instance fires after a write through another', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = [await instance(schema), await instance(schema)];
    const seen: Array<string | undefined> = [];
    const stop = watch(a, { latest: 'ADR-001' }, (latest) => seen.push(latest?.content));
    await vi.waitFor(() => expect(seen).toEqual([undefined]));
    await b.storeSpecification(adr('ADR-001', 'through b'));
    await vi.waitFor(() => expect(seen).toEqual([undefined, 'through b']), { timeout: 20_000 });
    stop();
  });
});
