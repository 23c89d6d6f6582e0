import { afterEach, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/postgres.js';
import { expectHotHistory, runHotWriters } from '../node/run-child.js';
import { PG_TEST_URL, dropSchema, freshSchema } from './server.js';

const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

describe('PostgreSQL shared by processes', () => {
  it('refuses no valid write when 8 processes each keep 4 writes in flight on one identifier', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    // Each process runs the built package, as a service instance would; they all open the new store at once.
    const names = await runHotWriters('temporal-db/postgres', `{ connectionString: ${JSON.stringify(PG_TEST_URL)}, schema: ${JSON.stringify(schema)} }`);
    const db = await openTemporalDb({ connectionString: PG_TEST_URL, schema });
    try {
      await expectHotHistory(db, names);
    } finally {
      await db.close();
    }
  });
});
