// Baseline: raw pg on the library's own PostgreSQL layout (the tables, columns
// and indexes `createStatements` makes), written lean: named (prepared)
// statements, one transaction per batch, a batch as one multi-row
// `INSERT ... SELECT FROM unnest(...)`, the server's defaults for durability.
// Each version once in `specifications` with its change record in `changes`;
// decisions in a `decisions` table of its own (the library has none since
// schema 4), clustered on (timestamp, id), which doubles as their change log;
// patterns in `patternHeads`. Writes never read: the caller knows the version numbers.
// Latest, as-of and history are one indexed query each, the analysis one GROUP BY.
import pg from 'pg';
import { createStatements, quote, tableLayouts } from '../../src/backends/postgres/sql-layout.js';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, nextSeq, rankPatterns, specWriters, type StoredVersion } from './baseline-records.js';

/** The library's PostgreSQL backend changes nothing of the server's durability settings either. */
export const PG_DURABILITY =
  'PostgreSQL defaults (synchronous_commit on, fsync on): a write resolves once its commit is flushed to the WAL; ' +
  'neither a process nor a machine crash loses a committed write';

let schemas = 0;
export const benchSchema = (prefix: string) => `bench_${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas++}`;

/** Bytes of every table and index of a schema. */
export async function schemaBytes(pool: pg.Pool, schema: string): Promise<number> {
  const result = await pool.query<{ bytes: string }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [schema],
  );
  return Number(result.rows[0]!.bytes);
}

export async function dropBenchSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

const decisionsTable = (schema: string) => `${quote(schema)}.${quote('decisions')}`;

export function rawPgEngine(connectionString: string): BenchEngine {
  let schema = '';
  let pool: pg.Pool;
  let now = Date.now();
  let sql: ReturnType<typeof statements>;

  function statements(s: string) {
    const t = tableLayouts(s);
    const table = (name: Parameters<typeof t.get>[0] | 'decisions') => (name === 'decisions' ? decisionsTable(s) : t.get(name)!.sql);
    return {
      // Columns in the layout's order: the key, then the index columns, then the row.
      insertVersions: `INSERT INTO ${table('specifications')} (ik, version, id, timestamp, "row")
        SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::float8[], $5::json[])`,
      insertChanges: `INSERT INTO ${table('changes')} (timestamp, id, "specId", "row")
        SELECT * FROM unnest($1::float8[], $2::text[], $3::text[], $4::json[])`,
      insertDecisions: `INSERT INTO ${table('decisions')} (timestamp, id, "pointKey", "row")
        SELECT * FROM unnest($1::float8[], $2::text[], $3::text[], $4::json[])`,
      insertPatterns: `INSERT INTO ${table('patternHeads')} (id, "activityAt", "row") SELECT * FROM unnest($1::text[], $2::float8[], $3::json[])`,
      latest: `SELECT "row" FROM ${table('specifications')} WHERE ik = $1 ORDER BY version DESC LIMIT 1`,
      asOf: `SELECT "row" FROM ${table('specifications')} WHERE ik = $1 AND timestamp <= $2 ORDER BY timestamp DESC, version DESC LIMIT 1`,
      history: `SELECT "row" FROM ${table('specifications')} WHERE ik = $1 ORDER BY version`,
      changes: `SELECT timestamp, "row"->>'changeType' AS "changeType", "row"->>'identifier' AS identifier
          FROM ${table('changes')} WHERE timestamp BETWEEN $1 AND $2
        UNION ALL
        SELECT timestamp, 'Decision', "row"->>'identifier' FROM ${table('decisions')} WHERE timestamp BETWEEN $1 AND $2
        ORDER BY timestamp`,
      analyze: `SELECT "pointKey" AS "decisionPoint", count(*)::int AS "totalDecisions",
          count(*) FILTER (WHERE ("row"->>'confidence')::float8 > 0.7)::int AS "selectedCount",
          array_agg(DISTINCT "row"->>'context') AS contexts
        FROM ${table('decisions')} WHERE timestamp BETWEEN $1 AND $2 GROUP BY "pointKey"`,
      patterns: `SELECT "row" FROM ${table('patternHeads')} WHERE "activityAt" >= $1`,
    };
  }

  const query = async <R extends pg.QueryResultRow>(name: keyof typeof sql, values: unknown[]) =>
    (await pool.query<R>({ name, text: sql[name], values })).rows;

  async function inTransaction(body: (client: pg.PoolClient) => Promise<void>) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await body(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const run = (client: pg.PoolClient, name: keyof typeof sql, values: unknown[]) => client.query({ name, text: sql[name], values });

  async function writeVersions(stored: StoredVersion[]) {
    const changes = stored.map((v) => ({ id: `c${nextSeq()}`, ...changeFor(v) }));
    await inTransaction(async (client) => {
      await run(client, 'insertVersions', [
        stored.map((v) => v.identifier),
        stored.map((v) => v.version),
        stored.map((v) => v.id),
        stored.map((v) => v.timestamp),
        stored.map((v) => JSON.stringify(v)),
      ]);
      await run(client, 'insertChanges', [
        changes.map((c) => c.timestamp),
        changes.map((c) => c.id),
        changes.map((c) => c.identifier),
        changes.map((c) => JSON.stringify(c)),
      ]);
    });
  }

  const openPool = () => {
    pool = new pg.Pool({ connectionString, max: 10 });
    sql = statements(schema);
  };

  return {
    name: 'raw pg',
    durability: PG_DURABILITY,
    async create() {
      schema = benchSchema('raw');
      openPool();
      for (const statement of createStatements(schema, tableLayouts(schema))) await pool.query(statement);
      await pool.query(
        `CREATE TABLE ${decisionsTable(schema)} (timestamp double precision NOT NULL, id text NOT NULL, "pointKey" text NOT NULL, "row" json NOT NULL, PRIMARY KEY (timestamp, id))`,
      );
    },
    async reopen() {
      await pool.end();
      openPool();
    },
    async close() {
      await pool.end();
    },
    async destroy() {
      await pool.end();
      await dropBenchSchema(connectionString, schema);
    },
    diskBytes: () => schemaBytes(pool, schema),
    setNow(value) {
      now = value;
    },
    ...specWriters(writeVersions),
    async ingestDecisions(batch: DecisionEvent[]) {
      await inTransaction(async (client) => {
        await run(client, 'insertDecisions', [
          batch.map((d) => d.timestamp),
          batch.map(() => `d${nextSeq()}`),
          batch.map((d) => d.decisionPoint),
          batch.map((d) => JSON.stringify(d)),
        ]);
      });
    },
    async ingestPatterns(batch: PatternSeed[]) {
      await inTransaction(async (client) => {
        await run(client, 'insertPatterns', [batch.map(() => `p${nextSeq()}`), batch.map((p) => p.timestamp), batch.map((p) => JSON.stringify(p))]);
      });
    },
    async latest(identifier) {
      return digest.version((await query<{ row: StoredVersion }>('latest', [identifier]))[0]?.row);
    },
    async asOf(identifier, instant) {
      return digest.version((await query<{ row: StoredVersion }>('asOf', [identifier, instant]))[0]?.row);
    },
    async history(identifier) {
      return digest.history((await query<{ row: StoredVersion }>('history', [identifier])).map((r) => r.row));
    },
    async changes(since, until) {
      return digest.changes(await query<{ timestamp: number; changeType: string; identifier: string }>('changes', [since, until]));
    },
    async analyze(days) {
      return digest.analysis(
        await query<{ decisionPoint: string; totalDecisions: number; selectedCount: number; contexts: string[] }>('analyze', [now - days * DAY, now]),
      );
    },
    async similar(context, threshold, lookbackDays) {
      const rows = await query<{ row: PatternSeed }>('patterns', [now - lookbackDays * DAY]);
      return rankPatterns(
        rows.map((r) => r.row),
        context,
        threshold,
      );
    },
  };
}
