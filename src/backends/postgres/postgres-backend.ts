import pg from 'pg';
import type { Backend, CommitPlan, RangeQuery, ReadRequest, WriteOp } from '../../core/backend.js';
import { checkedPlan, type CommitRow } from '../../core/commit-plan.js';
import { TemporalDbError } from '../../core/errors.js';
import type { Key } from '../../core/key-codec.js';
import { TABLE_NAMES, type Row, type TableName } from '../../core/tables.js';
import type { PostgresBackendOptions } from './options.js';
import { codedPgError, isConnectionLoss } from './pg-errors.js';
import { COMMIT_CHANNEL, DEFAULT_PG_SCHEMA, createStatements, names, quote, tableLayouts, writeLockKeys, type TableLayout } from './sql-layout.js';
import { applyOps, countRows, readLast, readRange, readRow, readRows, readUnique, type Queryable } from './sql-rows.js';

interface TransactionOptions {
  /** The statement that opens the transaction (an isolation level). */
  begin?: string;
  /** Asked when the connection was lost during COMMIT: whether it was made (undefined: cannot tell). */
  committed?: () => Promise<boolean | undefined>;
}

const DEFAULT_CONNECTION_TIMEOUT = 10_000;
/** How long a dropped LISTEN connection waits before it connects again, in ms. */
const RELISTEN_MS = 1_000;
/** The `application_name` of the LISTEN connection when the options name none, to tell it apart in `pg_stat_activity`. */
export const LISTEN_APPLICATION = 'temporal-db listen';

/**
 * PostgreSQL through `pg`: one table per table of the definition, with its
 * key and index columns typed (text `COLLATE "C"`, numbers as double
 * precision, so ranges order as on every engine) and the row as `json` (which
 * keeps every string, U+0000 included, and the field order). Reads outside a
 * commit are single statements on the pool; `read` is one REPEATABLE READ
 * transaction; `commit` one transaction that first takes the store's advisory
 * write lock, so writers (of any process or machine) run one at a time and a
 * plan's reads are the latest state.
 */
export class PostgresBackend implements Backend {
  readonly kind = 'postgres';
  private closed = false;
  private readonly lockKeys: [number, number];
  private lastCommit: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    private readonly layouts: ReadonlyMap<TableName, TableLayout>,
    /** What a connection of its own (the LISTEN one) is opened with: the pool's settings. */
    private readonly clientConfig: pg.ClientConfig,
  ) {
    this.lockKeys = writeLockKeys(schema);
  }

  /** Connects and creates the schema's tables and indexes that are missing. */
  static async open(options: PostgresBackendOptions = {}): Promise<PostgresBackend> {
    const schema = options.schema ?? DEFAULT_PG_SCHEMA;
    if (schema.length === 0 || new TextEncoder().encode(schema).length > 63 || schema.includes('\u0000')) {
      throw new TemporalDbError('INVALID_INPUT', `schema must be a name of 1 to 63 bytes, got ${JSON.stringify(schema)}`, { path: ['schema'] });
    }
    const config: pg.PoolConfig = {
      // Without a limit, a server that does not answer (a dropped route) holds every call for the OS's TCP timeout.
      connectionTimeoutMillis: DEFAULT_CONNECTION_TIMEOUT,
      ...(options.pool as pg.PoolConfig | undefined),
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
    };
    const pool = new pg.Pool(config);
    // An idle connection the server drops emits on the pool, which removes it; unheard, Node would throw.
    pool.on('error', () => undefined);
    const backend = new PostgresBackend(pool, schema, tableLayouts(schema), config);
    try {
      await backend.createTables();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw codedPgError(error, `open schema ${schema}`);
    }
    return backend;
  }

  private async createTables(): Promise<void> {
    // Most opens find every table and index there: one catalog read, and no DDL lock taken.
    const indexes = [...this.layouts.values()].flatMap((layout) => [...layout.indexes.keys()].map((index) => `${layout.name}.${index}`));
    const present = await this.pool.query<{ tables: string; indexes: string }>(
      'SELECT (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = ANY($2::text[])) AS tables, ' +
        '(SELECT count(*) FROM pg_catalog.pg_indexes WHERE schemaname = $1 AND indexname = ANY($3::text[])) AS indexes',
      [this.schema, TABLE_NAMES, indexes],
    );
    const found = present.rows[0]!;
    if (Number(found.tables) === TABLE_NAMES.length && Number(found.indexes) === indexes.length) return;
    // Under the write lock, so that processes opening a new store at once do not race on CREATE.
    await this.transaction('create tables', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', this.lockKeys);
      for (const statement of createStatements(this.schema, this.layouts)) await client.query(statement);
    });
  }

  /**
   * Schema 3 keys specification versions by (ik, version, id) and pattern
   * versions by (id, version, recordedAt): their primary keys and `byTime`
   * indexes (which order by the key columns they lack) are made again, in
   * one transaction under the write lock. Every row keeps
   * its place; running it twice does no harm.
   */
  async upgrade(from: number): Promise<WriteOp[]> {
    if (from < 3) {
      await this.transaction('upgrade to schema 3', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', this.lockKeys);
        // Pattern rows had no recordedAt column: it is filled in from the row.
        const patterns = this.layout('patterns').sql;
        await client.query(`ALTER TABLE ${patterns} ADD COLUMN IF NOT EXISTS "recordedAt" double precision`);
        await client.query(`UPDATE ${patterns} SET "recordedAt" = ("row"->>'recordedAt')::float8 WHERE "recordedAt" IS NULL`);
        for (const name of ['specifications', 'patterns'] as const) {
          const table = this.layout(name);
          await client.query(`ALTER TABLE ${table.sql} DROP CONSTRAINT IF EXISTS ${quote(`${name}_pkey`)}, ADD PRIMARY KEY (${names(table.key)})`);
          await client.query(`DROP INDEX IF EXISTS ${quote(this.schema)}.${quote(`${name}.byTime`)}`);
        }
        for (const statement of createStatements(this.schema, this.layouts)) await client.query(statement);
      });
    }
    if (from < 4) {
      // Schema 4 keeps a decision as its change record only (its index goes with the table).
      await this.transaction('upgrade to schema 4', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', this.lockKeys);
        await client.query(`DROP TABLE IF EXISTS ${quote(this.schema)}.${quote('decisions')}`);
      });
    }
    return [];
  }

  private check(): void {
    if (this.closed) throw new TemporalDbError('DATABASE_CLOSED', 'The PostgreSQL store is closed');
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.single(`get ${table}`, () => readRow(this.pool, this.layout(table), key));
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    return this.single(`getMany ${table}`, () => readRows(this.pool, this.layout(table), keys));
  }

  async count(table: TableName): Promise<number> {
    return this.single(`count ${table}`, () => countRows(this.pool, this.layout(table)));
  }

  async range(query: RangeQuery): Promise<Row[]> {
    return this.single(`range ${query.table}`, () => readRange(this.pool, this.layout(query.table), query));
  }

  /** One REPEATABLE READ transaction: every answer is as of the snapshot its first statement took. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    this.check();
    return this.transaction('read', async (client) => {
      const answers: unknown[] = [];
      for (const request of requests) answers.push(await this.answer(client, request));
      return answers;
    }, { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });
  }

  /**
   * Plans and writes inside one transaction that starts by taking the
   * store's advisory write lock (`pg_advisory_xact_lock`, held until it
   * ends): every writer on the schema waits for the one before it, so a plan
   * reads the latest commit (READ COMMITTED takes a snapshot per statement,
   * after the lock) and the version and commit sequence it takes are
   * free. The lock is released only after the commit is visible
   * (PostgreSQL leaves the proc array before it releases its locks, see
   * CommitTransaction in xact.c), so commit sequence order is the order in
   * which commits become visible, and a reader that follows the sequence
   * misses none.
   */
  async commit<T>(plan: CommitPlan<T>): Promise<T> {
    this.check();
    // This handle's commits take the lock in the order they were made: each on its own connection, they would reach it in any order.
    const run = this.lastCommit.then(() => this.commitNow(plan));
    this.lastCommit = run.catch(() => undefined);
    return run;
  }

  private commitNow<T>(plan: CommitPlan<T>): Promise<T> {
    let xid: string | undefined;
    const work = async (client: pg.PoolClient) => {
      const locked = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid, pg_advisory_xact_lock($1, $2)', this.lockKeys);
      xid = locked.rows[0]!.xid;
      const steps = checkedPlan(plan)();
      let step = steps.next();
      while (!step.done) step = steps.next(await this.answer(client, step.value));
      const { ops, result } = step.value;
      await applyOps(client, (table) => this.layout(table), ops);
      const last = ops[ops.length - 1];
      if (last?.type === 'put' && last.table === 'commits') {
        // Delivered by the server when (and only if) the transaction commits, in commit order.
        await client.query('SELECT pg_notify($1, $2)', [COMMIT_CHANNEL, JSON.stringify({ schema: this.schema, seq: (last.row as unknown as CommitRow).seq })]);
      }
      return result;
    };
    return this.transaction('commit', work, { committed: () => this.committed(xid) });
  }

  /**
   * Whether transaction `xid` committed, asked on another connection after
   * the one that sent its COMMIT was lost: `pg_xact_status` (PostgreSQL 13
   * and later) says so once the server has finished with it. Undefined when
   * it cannot tell (an older server, or no answer within a few seconds).
   */
  private async committed(xid: string | undefined): Promise<boolean | undefined> {
    if (xid === undefined) return undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        const { rows } = await this.pool.query<{ status: string | null }>('SELECT pg_xact_status($1::xid8) AS status', [xid]);
        const status = rows[0]?.status;
        if (status === 'committed') return true;
        if (status === 'aborted') return false;
        if (status !== 'in progress') return undefined;
      } catch (error) {
        if (!isConnectionLoss(error)) return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  /**
   * LISTENs on {@link COMMIT_CHANNEL} on a connection of its own (outside the
   * pool) and passes on this schema's sequence numbers. A dropped connection
   * is made again after a second; each time it starts listening, the last
   * commit is read, so what was committed meanwhile is not missed.
   */
  watchCommits(onSeq: (seq: number) => void): () => void {
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listen = () => {
      if (stopped) return;
      const own = (client = new pg.Client({ ...this.clientConfig, application_name: this.clientConfig.application_name ?? LISTEN_APPLICATION }));
      let dropped = false;
      const again = () => {
        if (dropped) return;
        dropped = true;
        own.end().catch(() => undefined);
        if (!stopped) timer = setTimeout(listen, RELISTEN_MS);
      };
      own.on('error', again);
      own.on('end', again);
      own.on('notification', ({ payload }) => {
        const { schema, seq } = JSON.parse(payload ?? '{}') as { schema?: string; seq?: number };
        if (schema === this.schema && typeof seq === 'number') onSeq(seq);
      });
      own
        .connect()
        .then(() => own.query(`LISTEN ${COMMIT_CHANNEL}`))
        .then(() => readLast(this.pool, this.layout('commits')))
        .then((last) => onSeq((last as CommitRow | undefined)?.seq ?? 0))
        .catch(again);
    };
    listen();
    return () => {
      stopped = true;
      clearTimeout(timer);
      client?.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /**
   * Runs `work` in a transaction on one pooled connection: committed when it
   * resolves, rolled back when it throws. A connection that failed is thrown
   * away rather than handed back, so the next call connects anew; one that
   * was already dead when taken from the pool (the server restarted, or
   * dropped it while idle) fails at BEGIN, before anything is done, and the
   * transaction starts again once on a new connection. When the connection
   * is lost during COMMIT itself, `committed` finds out whether it was made:
   * then the call succeeds, else it fails having written nothing.
   */
  private async transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions = {}, retry = true): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw codedPgError(error, `${what}: connect`);
    }
    // A checked-out client that loses its connection between queries emits here (else Node would throw).
    let lost: unknown;
    const onError = (error: unknown) => (lost ??= error);
    client.on('error', onError);
    let stage: 'begin' | 'work' | 'commit' = 'begin';
    let result: T;
    try {
      await client.query(options.begin ?? 'BEGIN');
      stage = 'work';
      result = await work(client);
      stage = 'commit';
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (lost === undefined && !isConnectionLoss(error)) {
        await client.query('ROLLBACK').catch((rollback: unknown) => (lost ??= rollback));
      } else {
        lost ??= error;
      }
      if (stage === 'begin' && retry && isConnectionLoss(error)) return await this.transaction(what, work, options, false);
      if (stage === 'commit' && isConnectionLoss(error) && options.committed) {
        const made = await options.committed();
        if (made === true) return result!;
        if (made === undefined) {
          throw new TemporalDbError(
            'STORAGE_UNAVAILABLE',
            `PostgreSQL dropped the connection during COMMIT (${what}) and whether it was made could not be read back: read the store to know (it was made wholly or not at all)`,
            { cause: error },
          );
        }
      }
      throw codedPgError(error, what);
    } finally {
      client.off('error', onError);
      client.release(lost === undefined ? undefined : lost instanceof Error ? lost : new Error(String(lost)));
    }
  }

  /** A single statement on the pool, tried again once on a new connection when the pooled one turns out dead. */
  private async single<T>(what: string, read: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await read();
    } catch (error) {
      if (!isConnectionLoss(error)) throw codedPgError(error, what);
    }
    try {
      return await read();
    } catch (error) {
      throw codedPgError(error, what);
    }
  }

  private layout(table: TableName): TableLayout {
    return this.layouts.get(table)!;
  }

  private answer(db: Queryable, request: ReadRequest): Promise<unknown> {
    switch (request.read) {
      case 'get':
        return readRow(db, this.layout(request.table), request.key);
      case 'getMany':
        return readRows(db, this.layout(request.table), request.keys);
      case 'unique':
        return readUnique(db, this.layout(request.table), request.index, request.key);
      case 'last':
        return readLast(db, this.layout(request.table));
      case 'count':
        return countRows(db, this.layout(request.table));
      case 'range':
        return readRange(db, this.layout(request.query.table), request.query);
    }
  }
}
