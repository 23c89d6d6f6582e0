import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openTemporalDb } from '../../src/postgres.js';
import { oldDecisionRows, populateForUpgrade, schema2Row, snapshot } from '../contract/schema2.js';
import { PG_TEST_URL, dropSchema, freshSchema, rawClient } from './server.js';

const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

/** The primary key columns of a table, in order. */
const primaryKey = async (schema: string, table: string) => {
  const client = await rawClient();
  try {
    const { rows } = await client.query<{ column: string }>(
      `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [`"${schema}"."${table}"`],
    );
    return rows.map((row) => row.column);
  } finally {
    await client.end();
  }
};

const tableExists = async (schema: string, table: string) => {
  const client = await rawClient();
  try {
    return (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [`"${schema}"."${table}"`])).rows[0]!.found !== null;
  } finally {
    await client.end();
  }
};

describe('PostgreSQL schema upgrade', () => {
  it(`carries a schema 2 store over to schema ${SCHEMA_VERSION} in place, dropping the old decisions table`, async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const open = () => openTemporalDb({ connectionString: PG_TEST_URL, schema });
    let db = await open();
    await populateForUpgrade(db);
    const before = await snapshot(db);
    await db.close();

    // The store as schema 2 left it: versions keyed by (ik, version), and rows without the ids schema 3 adds.
    const client = await rawClient();
    try {
      const s = `"${schema}"`;
      await client.query('BEGIN');
      await client.query(`ALTER TABLE ${s}.specifications DROP CONSTRAINT specifications_pkey, ADD PRIMARY KEY (ik, version)`);
      await client.query(`DROP INDEX ${s}."specifications.byTime"`);
      await client.query(`CREATE INDEX "specifications.byTime" ON ${s}.specifications (ik, timestamp, version)`);
      await client.query(`ALTER TABLE ${s}.patterns DROP CONSTRAINT patterns_pkey, ADD PRIMARY KEY (id, version)`);
      await client.query(`DROP INDEX ${s}."patterns.byTime"`);
      await client.query(`ALTER TABLE ${s}.patterns DROP COLUMN "recordedAt"`);
      await client.query(`CREATE INDEX "patterns.byTime" ON ${s}.patterns (id, timestamp, version)`);
      for (const table of ['heads', 'changes', 'commits', 'meta']) {
        const { rows } = await client.query<{ ctid: string; row: Record<string, unknown> }>(`SELECT ctid::text, "row" FROM ${s}."${table}"`);
        for (const { ctid, row } of rows) {
          await client.query(`UPDATE ${s}."${table}" SET "row" = $1::json WHERE ctid = $2::tid`, [JSON.stringify(schema2Row(table, row)), ctid]);
        }
      }
      // Before schema 4 a decision was also a row of `decisions`, and not counted in `meta`.
      await client.query(`DELETE FROM ${s}.meta WHERE name = 'decisionCount'`);
      await client.query(
        `CREATE TABLE ${s}.decisions (timestamp double precision NOT NULL, id text NOT NULL, "pointKey" text NOT NULL, "row" json NOT NULL, PRIMARY KEY (timestamp, id))`,
      );
      await client.query(`CREATE INDEX "decisions.byPoint" ON ${s}.decisions ("pointKey", timestamp, id)`);
      const changes = (await client.query<{ row: Record<string, unknown> }>(`SELECT "row" FROM ${s}.changes`)).rows.map(({ row }) => row);
      for (const row of oldDecisionRows(changes)) {
        await client.query(`INSERT INTO ${s}.decisions VALUES ($1, $2, $3, $4::json)`, [row.timestamp, row.id, row.pointKey, JSON.stringify(row)]);
      }
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    expect(await primaryKey(schema, 'specifications')).toEqual(['ik', 'version']);

    db = await open();
    try {
      expect(await primaryKey(schema, 'specifications')).toEqual(['ik', 'version', 'id']);
      expect(await primaryKey(schema, 'patterns')).toEqual(['id', 'version', 'recordedAt']);
      expect(await snapshot(db)).toEqual(before);
      expect(await tableExists(schema, 'decisions')).toBe(false);
      const next = await db.storeSpecification({ ...before.history.at(-1)!, title: 'After the upgrade' });
      expect(next.version).toBe(before.history.length + 1);
    } finally {
      await db.close();
    }
  });
});
