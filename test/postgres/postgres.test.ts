import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { writeLockKeys } from '../../src/backends/postgres/sql-layout.js';
import { writeOps } from '../../src/core/commit-plan.js';
import { compareKeys, encodeKeyString } from '../../src/core/key-codec.js';
import { TABLES, highestKey, lowestKey } from '../../src/core/tables.js';
import { COMMIT_CHANNEL, SCHEMA_VERSION, TemporalDbError, openTemporalDb, type PostgresPoolOptions, type TemporalDb } from '../../src/postgres.js';
import { openTemporalDb as openLmdb } from '../../src/lmdb.js';
import { expectError } from '../contract/context.js';
import { populateSample } from '../contract/sample-store.js';
import { PG_TEST_URL, dropSchema, freshSchema, rawClient, until } from './server.js';
import { exportLines, importFrom } from '../../src/interchange.js';

const schemas: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function schema(): string {
  const name = freshSchema();
  schemas.push(name);
  return name;
}

async function open(name: string, pool: PostgresPoolOptions = {}): Promise<TemporalDb> {
  const db = await openTemporalDb({ connectionString: PG_TEST_URL, schema: name, pool });
  cleanups.push(() => db.close());
  return db;
}

async function backend(name: string): Promise<PostgresBackend> {
  const opened = await PostgresBackend.open({ connectionString: PG_TEST_URL, schema: name });
  cleanups.push(() => opened.close());
  return opened;
}

async function raw(): Promise<pg.Client> {
  const client = await rawClient();
  cleanups.push(() => client.end());
  return client;
}

const adr = (identifier: string, content = 'c') => ({ specType: 'ADR' as const, identifier, title: 't', content });
const table = (name: string, t: string) => `"${name}"."${t}"`;
/** True once some connection waits for a lock on `relation` (or on an advisory lock when null). */
const waiting = (relation: string | null) =>
  relation === null
    ? "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted) AS ok"
    : `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = '${relation}'::regclass AND NOT granted) AS ok`;

describe('PostgreSQL layout', () => {
  it('orders text keys under COLLATE "C" as every engine does, strictly between the range sentinels', async () => {
    const name = schema();
    const store = await backend(name);
    const ids = ['', 'a', 'ab', 'b', 'B', ' ', '!', '"', '\\', '\u0000', '\u0001x', '~', '\u007f', 'é', 'e\u0301', '\u4e2d', '\ud7fe', '\ud7ff', '\ue000', '\uffff', '\u{1F600}', '\u{10FFFF}', 'z\ud800', "o'quote"];
    await store.commit(
      writeOps(ids.map((id, i) => ({ type: 'put' as const, table: 'importedRecords' as const, row: { kind: 'k', id, timestamp: 1, source: 's', data: { i } } }))),
    );
    const { key } = TABLES.importedRecords;
    const rows = await store.range({ table: 'importedRecords', lower: lowestKey(key, []), upper: highestKey(key, []) });
    const expected = [...ids].sort((a, b) => compareKeys([encodeKeyString(a)], [encodeKeyString(b)]));
    expect(rows.map((row) => row.id)).toEqual(expected);
    // The same order in reverse, and a bound on the text column cuts where compareKeys says.
    const reversed = await store.range({ table: 'importedRecords', lower: lowestKey(key, []), upper: highestKey(key, []), reverse: true });
    expect(reversed.map((row) => row.id)).toEqual([...expected].reverse());
    const middle = encodeKeyString('b');
    const upTo = await store.range({ table: 'importedRecords', lower: lowestKey(key, []), upper: highestKey(key, [encodeKeyString('k'), 1, middle]) });
    expect(upTo.map((row) => row.id)).toEqual(expected.filter((id) => compareKeys([encodeKeyString(id)], [middle]) <= 0));
  });

  it('keeps every string of a row as written (U+0000, lone surrogates) and the field order', async () => {
    const db = await open(schema());
    const content = 'a\u0000b\ud800c\udfff\u{1F600}"\\';
    await db.storeSpecification({ ...adr('ADR-1', content), metadata: { z: 1, a: [null, 'x\u0000'] } });
    const stored = await db.getSpecification('ADR-1');
    expect(stored?.content).toBe(content);
    expect(Object.keys(stored!.metadata)).toEqual(['z', 'a']);
    expect(stored!.metadata).toEqual({ z: 1, a: [null, 'x\u0000'] });
  });

  it('creates the tables and indexes of the definition, text key columns in the "C" collation', async () => {
    const name = schema();
    await open(name);
    const client = await raw();
    const tables = await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [name]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(Object.keys(TABLES).sort());
    const indexes = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [name]);
    const wanted = Object.entries(TABLES).flatMap(([t, d]) => Object.keys(d.indexes).map((i) => `${t}.${i}`));
    expect(indexes.rows.map((r) => r.indexname)).toEqual(expect.arrayContaining(wanted));
    const collations = await client.query<{ column_name: string; collation_name: string | null }>(
      "SELECT column_name, collation_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'specifications' AND column_name IN ('ik', 'id')",
      [name],
    );
    expect(collations.rows.map((r) => r.collation_name)).toEqual(['C', 'C']);
  });

  it('records the schema version and refuses a store written by a newer one', async () => {
    const name = schema();
    const db = await open(name);
    await db.close();
    const client = await raw();
    const meta = await client.query<{ row: { value: number } }>(`SELECT "row" FROM ${table(name, 'meta')} WHERE name = 'schemaVersion'`);
    expect(meta.rows[0]!.row.value).toBe(SCHEMA_VERSION);
    await client.query(`UPDATE ${table(name, 'meta')} SET "row" = $1 WHERE name = 'schemaVersion'`, [JSON.stringify({ name: 'schemaVersion', value: SCHEMA_VERSION + 1 })]);
    await expectError(openTemporalDb({ connectionString: PG_TEST_URL, schema: name }), 'UNSUPPORTED_SCHEMA');
  });

  it('keeps two schemas of one database apart, each with its own write lock', async () => {
    const [a, b] = [schema(), schema()];
    const [dbA, dbB] = [await open(a), await open(b)];
    await dbA.storeSpecification(adr('ADR-1', 'in a'));
    expect(await dbB.getSpecification('ADR-1')).toBeUndefined();
    // A writer holding A's lock does not hold up B's writers.
    const holder = await raw();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, $2)', writeLockKeys(a));
    expect((await dbB.storeSpecification(adr('ADR-1', 'in b'))).version).toBe(1);
    await holder.query('ROLLBACK');
    expect((await dbA.getSpecification('ADR-1'))?.content).toBe('in a');
  });

  it('refuses an empty or overlong schema name with INVALID_INPUT, and calls after close with DATABASE_CLOSED', async () => {
    await expectError(openTemporalDb({ connectionString: PG_TEST_URL, schema: '' }), 'INVALID_INPUT', ['schema']);
    await expectError(openTemporalDb({ connectionString: PG_TEST_URL, schema: 'x'.repeat(64) }), 'INVALID_INPUT', ['schema']);
    const store = await PostgresBackend.open({ connectionString: PG_TEST_URL, schema: schema() });
    await store.close();
    await expectError(store.get('meta', ['schemaVersion']), 'DATABASE_CLOSED');
    await expectError(store.commit(writeOps([])), 'DATABASE_CLOSED');
  });
});

describe('PostgreSQL commit sequence', () => {
  it('hands out no sequence number while an earlier writer is still open: a follower never skips a commit', async () => {
    const name = schema();
    const writer = await backend(name);
    const follower = await backend(name);
    await writer.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'a', value: 1 } }]));
    const after = async (seq: number) =>
      ((await follower.range({ table: 'commits', lower: [seq + 1], upper: [Infinity] })) as Array<{ seq: number }>).map((c) => c.seq);
    const start = ((await follower.read([{ read: 'last', table: 'commits' }]))[0] as { seq: number }).seq;

    // A writer in another process, in the middle of its commit: it holds the store's write lock and has
    // written its commits row (the next sequence number), but not committed yet.
    const slow = await raw();
    await slow.query('BEGIN');
    await slow.query('SELECT pg_advisory_xact_lock($1, $2)', writeLockKeys(name));
    await slow.query(`INSERT INTO ${table(name, 'commits')} (seq, "row") VALUES ($1, $2)`, [start + 1, JSON.stringify({ seq: start + 1, writes: [] })]);

    // A second writer starts meanwhile: it waits for the lock instead of taking start + 2 ahead of it.
    const fast = writer.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'b', value: 2 } }]));
    const watcher = await raw();
    await until(watcher, waiting(null));
    expect(await after(start)).toEqual([]);

    await slow.query('COMMIT');
    await fast;
    expect(await after(start)).toEqual([start + 1, start + 2]);
    expect(((await follower.get('commits', [start + 2])) as { writes: unknown[] }).writes).toEqual([['meta', 'b']]);
  });

  it('lets a follower that reads past its last sequence see every commit of concurrent writers, in order', async () => {
    const name = schema();
    const writers = await Promise.all(Array.from({ length: 4 }, () => backend(name)));
    const follower = await backend(name);
    const base = ((await follower.read([{ read: 'last', table: 'commits' }]))[0] as { seq: number } | undefined)?.seq ?? 0;
    let cursor = base;
    const seen: number[] = [];
    let done = false;
    const follow = (async () => {
      for (let last = false; !last; ) {
        last = done; // one more read after the writers are done
        const batch = (await follower.range({ table: 'commits', lower: [cursor + 1], upper: [Infinity] })) as Array<{ seq: number }>;
        // Gap-free: what it sees always continues where it stopped.
        expect(batch.map((c) => c.seq)).toEqual(batch.map((_, i) => cursor + 1 + i));
        for (const commit of batch) seen.push(commit.seq);
        if (batch.length > 0) cursor = batch[batch.length - 1]!.seq;
      }
    })();
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 30; i++) {
          await writer.commit(writeOps([{ type: 'insert', table: 'changes', row: { timestamp: i, id: `w${w}-${i}`, specId: 's', changeType: 'Create' } }]));
        }
      }),
    );
    done = true;
    await follow;
    expect(seen).toEqual(Array.from({ length: 4 * 30 }, (_, i) => base + 1 + i));
  });

  it('notifies each commit on the commit channel once it is committed, in sequence order', async () => {
    const name = schema();
    const listener = await raw();
    const heard: Array<{ schema: string; seq: number }> = [];
    listener.on('notification', (message) => {
      if (message.channel === COMMIT_CHANNEL) heard.push(JSON.parse(message.payload!) as { schema: string; seq: number });
    });
    await listener.query(`LISTEN ${COMMIT_CHANNEL}`);
    const db = await open(name);
    await db.storeSpecification(adr('ADR-1'));
    await db.storeSpecification(adr('ADR-2'));
    const store = await backend(name);
    const last = ((await store.read([{ read: 'last', table: 'commits' }]))[0] as { seq: number }).seq;
    expect(last).toBe(3); // the schema version, then the two specifications
    const own = () => heard.filter((n) => n.schema === name).map((n) => n.seq);
    while (own().length < last) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(own()).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });
});

describe('PostgreSQL read snapshots', () => {
  it('answers a read batch from one REPEATABLE READ snapshot, even when a commit lands between its statements', async () => {
    const name = schema();
    const store = await backend(name);
    await store.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'a', value: 1 } }]));
    // Holds the read batch up at its second statement until another transaction has added a row.
    const blocker = await raw();
    await blocker.query('BEGIN');
    await blocker.query(`LOCK TABLE ${table(name, 'changes')} IN ACCESS EXCLUSIVE MODE`);
    const reading = store.read([
      { read: 'count', table: 'meta' },
      { read: 'count', table: 'changes' },
      { read: 'count', table: 'meta' },
      { read: 'get', table: 'meta', key: ['b'] },
    ]);
    await until(await raw(), waiting(`${table(name, 'changes')}`));
    await blocker.query(`INSERT INTO ${table(name, 'meta')} (name, "row") VALUES ('b', $1)`, [JSON.stringify({ name: 'b', value: 2 })]);
    await blocker.query('COMMIT');
    const [before, changes, again, b] = await reading;
    expect(again).toBe(before);
    expect(b).toBeUndefined();
    expect(changes).toBe(0);
    expect(await store.count('meta')).toBe((before as number) + 1);
  });

  it('exports the store as of the export start while writers go on', async () => {
    const name = schema();
    const db = await open(name);
    await db.storeSpecifications(Array.from({ length: 1200 }, (_, i) => adr(`ADR-${i}`)));
    const lines: string[] = [];
    const exporting = (async () => {
      for await (const line of exportLines(db)) {
        lines.push(line);
        // Writes between the pages of the export.
        if (lines.length % 400 === 0) await db.storeSpecification(adr(`LATE-${lines.length}`));
      }
    })();
    await exporting;
    const header = JSON.parse(lines[0]!) as { counts: { specifications: number; changes: number } };
    expect(header.counts.specifications).toBe(1200);
    const specifications = lines.slice(1).filter((line) => line.includes('"table":"specifications"'));
    expect(specifications.length).toBe(1200);
    expect(specifications.filter((line) => line.includes('LATE-'))).toEqual([]);
    expect(lines.slice(1).filter((line) => line.includes('"table":"changes"')).length).toBe(header.counts.changes);
  });
});

describe('PostgreSQL and the other engines', () => {
  it("imports an LMDB store's export and exports it back line for line", async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-pg-lmdb-'));
    cleanups.push(async () => rmSync(path, { recursive: true, force: true }));
    const lmdb = await openLmdb({ path });
    cleanups.push(() => lmdb.close());
    await populateSample(lmdb);
    const exportOf = async (db: TemporalDb) => {
      const lines: string[] = [];
      for await (const line of exportLines(db)) lines.push(line);
      return lines;
    };
    const exported = await exportOf(lmdb);
    const db = await open(schema());
    await importFrom(db, new Blob(exported));
    // The header holds the export's time; the counts and every record line must match.
    const [header, ...lines] = await exportOf(db);
    expect(JSON.parse(header!).counts).toEqual(JSON.parse(exported[0]!).counts);
    expect(lines).toEqual(exported.slice(1));
    expect(await db.listSpecifications()).toEqual(await lmdb.listSpecifications());
  });
});

describe('PostgreSQL failures', () => {
  it('fails to open on a refused connection with STORAGE_UNAVAILABLE, the driver error in cause', async () => {
    const error = await expectError(openTemporalDb({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }), 'STORAGE_UNAVAILABLE');
    expect(error).toBeInstanceOf(TemporalDbError);
    expect(error.message).toMatch(/ECONNREFUSED|connect/);
    expect(error.cause).toBeDefined();
  });

  it('gives up on a server that accepts the connection but never answers with STORAGE_UNAVAILABLE', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const opening = openTemporalDb({ connectionString: `postgres://nobody@127.0.0.1:${port}/none`, pool: { connectionTimeoutMillis: 200 } });
    const error = await expectError(opening, 'STORAGE_UNAVAILABLE');
    expect(error.message).toMatch(/timeout/i);
  });

  it('writes nothing of a commit whose connection is terminated half way, and goes on on a new connection', async () => {
    const name = schema();
    const db = await open(name);
    await db.storeSpecification(adr('ADR-1', 'v1'));
    const admin = await raw();
    // The commits row is a batch's last write: blocking it holds the commit after its other rows are written.
    const blocker = await raw();
    await blocker.query('BEGIN');
    await blocker.query(`LOCK TABLE ${table(name, 'commits')} IN EXCLUSIVE MODE`);
    // Its failure is awaited below, but it may come before: handled from the start.
    const writing = expectError(db.storeSpecification(adr('ADR-1', 'v2')), 'STORAGE_UNAVAILABLE');
    await until(admin, waiting(table(name, 'commits')));
    const written = await admin.query<{ count: string }>(
      `SELECT count(*) FROM pg_locks WHERE relation = '${table(name, 'specifications')}'::regclass AND mode = 'RowExclusiveLock' AND granted`,
    );
    expect(Number(written.rows[0]!.count)).toBe(1);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = '${table(name, 'commits')}'::regclass AND NOT granted`);
    const error = await writing;
    expect(error.message).toMatch(/terminat/i);
    await blocker.query('ROLLBACK');
    expect((await db.getSpecificationHistory('ADR-1')).map((v) => v.content)).toEqual(['v1']);
    expect((await db.getChanges()).length).toBe(1);
    const count = await admin.query<{ count: string }>(`SELECT count(*) FROM ${table(name, 'specifications')}`);
    expect(Number(count.rows[0]!.count)).toBe(1);
    expect((await db.storeSpecification(adr('ADR-1', 'v2'))).version).toBe(2);
    expect((await db.getChanges()).length).toBe(2);
  });

  it('cancels a commit that exceeds statement_timeout with STORAGE_UNAVAILABLE, writing nothing', async () => {
    const name = schema();
    const db = await open(name, { statement_timeout: 300 });
    await db.storeSpecification(adr('ADR-1', 'v1'));
    const blocker = await raw();
    await blocker.query('BEGIN');
    await blocker.query(`LOCK TABLE ${table(name, 'commits')} IN EXCLUSIVE MODE`);
    const error = await expectError(db.storeSpecification(adr('ADR-1', 'v2')), 'STORAGE_UNAVAILABLE');
    expect((error.cause as { code?: string }).code).toBe('57014');
    await blocker.query('ROLLBACK');
    expect((await db.getSpecificationHistory('ADR-1')).map((v) => v.content)).toEqual(['v1']);
    expect((await db.storeSpecification(adr('ADR-1', 'v2'))).version).toBe(2);
  });

  it('reads back the outcome of a commit whose connection drops during COMMIT: made is a success, not made an error', async () => {
    const name = schema();
    const store = await backend(name);
    // Cuts the socket of the next commit when it sends COMMIT: just before the message (`before`) or just after it.
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    let cut: 'before' | 'after' | undefined;
    pool.connect = (async (...args: unknown[]) => {
      if (args.length > 0) return (pool.constructor.prototype.connect as (...a: unknown[]) => unknown).apply(pool, args);
      const client = await connect();
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      const socket = (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;
      client.query = ((text: unknown, ...rest: unknown[]) => {
        const when = text === 'COMMIT' ? cut : undefined;
        if (when === undefined) return query(text, ...rest);
        cut = undefined;
        if (when === 'before') socket.destroy();
        const sent = query(text, ...rest);
        if (when === 'after') socket.destroy();
        return sent;
      }) as typeof client.query;
      return client;
    }) as typeof pool.connect;
    const put = (value: number) => store.commit(writeOps([{ type: 'put', table: 'meta', row: { name: 'x', value } }]));
    await put(1);
    cut = 'after';
    await put(2);
    expect(await store.get('meta', ['x'])).toEqual({ name: 'x', value: 2 });
    cut = 'before';
    await expectError(put(3), 'STORAGE_UNAVAILABLE');
    expect(cut).toBeUndefined();
    expect(await store.get('meta', ['x'])).toEqual({ name: 'x', value: 2 });
    const commits = (await store.range({ table: 'commits', lower: [-Infinity], upper: [Infinity] })) as Array<{ seq: number }>;
    expect(commits.map((c) => c.seq)).toEqual([1, 2]);
    await put(4);
    expect(await store.get('meta', ['x'])).toEqual({ name: 'x', value: 4 });
  });

  it('replaces pooled connections the server dropped while idle: the next reads and writes just work', async () => {
    const name = schema();
    const application = `tdb-idle-${name}`;
    const db = await open(name, { application_name: application, max: 4 });
    await Promise.all([db.storeSpecification(adr('ADR-1')), db.getSpecification('ADR-1'), db.listSpecifications(), db.getChanges()]);
    const admin = await raw();
    const killed = await admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1', [application]);
    expect(killed.rowCount).toBeGreaterThan(0);
    expect((await db.getSpecification('ADR-1'))?.version).toBe(1);
    expect((await db.storeSpecification(adr('ADR-1', 'again'))).version).toBe(2);
    expect((await db.getSpecificationHistory('ADR-1')).length).toBe(2);
  });
});
