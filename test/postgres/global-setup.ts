// Vitest global setup of the postgres project: the server must answer, and the test database exist
// (created here when the server answers but the database is missing, as on a fresh CI machine).
import pg from 'pg';
import { PG_TEST_URL } from './server.js';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  try {
    await client.connect();
    await client.end();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') {
      throw new Error(
        `The PostgreSQL tests need a server at TEMPORAL_DB_TEST_PG=${PG_TEST_URL} (start it with pg_ctlcluster 15 main start, as .ci/run does): ${String(error)}`,
      );
    }
  }
  const database = client.database!;
  // The same server, its maintenance database (the URL's last path segment is the database).
  const admin = new pg.Client({ connectionString: PG_TEST_URL.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    // Another run created it in the meantime.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}
