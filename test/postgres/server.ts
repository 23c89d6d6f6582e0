import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * The PostgreSQL server and database the tests use: `TEMPORAL_DB_TEST_PG`,
 * by default the local server's unix socket and the database
 * `temporal_db_test` as the current user (what `.ci/run` sets up). Each test
 * store gets a fresh schema, dropped after.
 */
export const PG_TEST_URL = process.env.TEMPORAL_DB_TEST_PG ?? `postgres://${userInfo().username}@/temporal_db_test?host=/var/run/postgresql`;

let counter = 0;

/** A schema name no other test run uses. */
export function freshSchema(): string {
  return `tdb_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/** A raw pg client on the test database, for what a test does by hand (overlapping transactions, terminating a connection). */
export async function rawClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  // A client a test terminates on purpose reports it here; the test checks the outcome itself.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = await rawClient();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Resolves once `condition` (a query answering one row with `ok`) holds: for waiting until another connection blocks. */
export async function until(client: pg.Client, sql: string, values: unknown[] = []): Promise<void> {
  for (;;) {
    const result = await client.query<{ ok: boolean }>(sql, values);
    if (result.rows[0]?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
