import { afterEach, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/postgres.js';
import { expectHotHistory, runChild } from '../node/run-child.js';
import { PG_TEST_URL, dropSchema, freshSchema } from './server.js';

const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

describe('PostgreSQL shared by processes', () => {
  it('refuses no valid write when 8 processes each keep 4 writes in flight on one identifier', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    // Each process (the built package, as a service instance would run it) runs 4 writers, each storing
    // its next version as soon as the last one is committed; they all open the new store at once.
    const writer = (name: string) => `
      import { openTemporalDb } from 'temporal-db/postgres';
      const db = await openTemporalDb({ connectionString: ${JSON.stringify(PG_TEST_URL)}, schema: ${JSON.stringify(schema)} });
      const failures = [];
      await Promise.all(Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-HOT', title: 't', content: '${name}-' + w + '-' + i })
            .catch((error) => failures.push(error.code ?? String(error)));
        }
      }));
      await db.close();
      console.log(JSON.stringify(failures));`;
    const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const results = await Promise.all(names.map((name) => runChild(writer(name))));
    for (const result of results) expect(result.out.trim(), `exit ${result.code} signal ${result.signal}`).toBe('[]');
    const db = await openTemporalDb({ connectionString: PG_TEST_URL, schema });
    try {
      await expectHotHistory(db, names);
    } finally {
      await db.close();
    }
  });
});
