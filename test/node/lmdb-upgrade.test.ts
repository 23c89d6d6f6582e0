import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/index.js';
import { openTemporalDb } from '../../src/lmdb.js';
import { oldDecisionRows, populateForUpgrade, schema2Row, snapshot } from '../contract/schema2.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
type Key = Array<string | number>;

/** A sub-database of the store as the library opens it (msgpack with its shared structures). */
const subDatabase = (root: RootDatabase, name: string) => root.openDB<unknown, Key>({ name, encoding: 'msgpack', sharedStructuresKey: Symbol.for('temporal-db.structures') });

/**
 * Rewrites a store, in place, into the schema 2 layout: versions keyed by
 * [ik, version] (their byId entries pointing there, byTime entries without
 * the id), and every other row as schema 2 held it.
 */
async function downgradeToSchema2(path: string): Promise<void> {
  const root = open({ path, maxDbs: 64 });
  const opened = new Map(
    ['specifications', 'specifications.byId', 'specifications.byTime', 'patterns', 'patterns.byTime', 'heads', 'changes', 'commits', 'meta', 'decisions', 'decisions.byPoint'].map((name) => [
      name,
      subDatabase(root, name),
    ]),
  );
  const db = (name: string) => opened.get(name)!;
  const all = () => ({ start: [-Infinity] as Key, end: ["\ud7ff\ud7ff\ud7ff\ud7ff"] as Key });
  root.transactionSync(() => {
    const [rows, byId, byTime] = [db('specifications'), db('specifications.byId'), db('specifications.byTime')];
    for (const { key, value } of [...rows.getRange(all())]) {
      const row = value as Row;
      rows.removeSync(key);
      rows.putSync([row.ik as string, row.version as number], row);
      byId.putSync([row.id as string], [row.ik, row.version]);
      byTime.removeSync([row.ik as string, row.timestamp as number, row.version as number, row.id as string]);
      byTime.putSync([row.ik as string, row.timestamp as number, row.version as number], true);
    }
    const [patterns, patternsByTime] = [db('patterns'), db('patterns.byTime')];
    for (const { key, value } of [...patterns.getRange(all())]) {
      const row = value as Row;
      patterns.removeSync(key);
      patterns.putSync([row.id as string, row.version as number], row);
      patternsByTime.removeSync([row.id as string, row.timestamp as number, row.version as number, row.recordedAt as number]);
      patternsByTime.putSync([row.id as string, row.timestamp as number, row.version as number], true);
    }
    const keys: Record<string, (row: Row) => Key> = {
      heads: (row) => [row.ik as string],
      changes: (row) => [row.timestamp as number, row.id as string],
      commits: (row) => [row.seq as number],
      meta: (row) => [row.name as string],
    };
    for (const [table, keyOf] of Object.entries(keys)) {
      const space = db(table);
      const rows = [...space.getRange(all())].map(({ value }) => value as Row);
      for (const row of rows) space.putSync(keyOf(row), schema2Row(table, row));
      // Rewritten in place: no row was added beside the one it replaces.
      expect(space.getKeysCount(all()), table).toBe(rows.length);
    }
    // Before schema 4 a decision was also a row of `decisions` (with a `byPoint` entry), and not counted in `meta`.
    db('meta').removeSync(['decisionCount']);
    for (const row of oldDecisionRows([...db('changes').getRange(all())].map(({ value }) => value as Row))) {
      db('decisions').putSync([row.timestamp as number, row.id as string], row);
      db('decisions.byPoint').putSync([row.pointKey as string, row.timestamp as number, row.id as string], true);
    }
  });
  await root.close();
}

describe('LMDB schema upgrade', () => {
  it(`carries a schema 2 store over to schema ${SCHEMA_VERSION}: every version, read, change, count and commit kept, the old decisions table dropped`, async () => {
    const path = mkdtempSync(join(tmpdir(), 'temporal-db-upgrade-'));
    dirs.push(path);
    let db = await openTemporalDb({ path });
    await populateForUpgrade(db);
    const before = await snapshot(db);
    await db.close();
    await downgradeToSchema2(path);

    db = await openTemporalDb({ path });
    try {
      expect(await snapshot(db)).toEqual(before);
      // Each version is at its new key, once; the version of the next write follows on.
      const backend = (db as unknown as { backend: { range: (q: unknown) => Promise<Row[]>; get: (t: string, k: Key) => Promise<Row | undefined> } }).backend;
      const commits = await backend.range({ table: 'commits', lower: [-Infinity], upper: [Infinity] });
      const versionKeys = commits.flatMap((c) => (c.writes as Key[]).filter((k) => k[0] === 'specifications' || k[0] === 'patterns'));
      expect(new Set(versionKeys.map((k) => k[0]))).toEqual(new Set(['specifications', 'patterns']));
      for (const key of versionKeys) expect(key, 'a commit names its versions by their whole key').toHaveLength(4);
      expect((await backend.get('meta', ['schemaVersion']))?.value).toBe(SCHEMA_VERSION);
      const next = await db.storeSpecification({ ...before.history.at(-1)!, title: 'After the upgrade' });
      expect(next.version).toBe(before.history.length + 1);
      expect((await db.getChanges({ identifier: 'ADR-001' })).find((c) => c.version === next.version && c.changeType === 'Update')!.fieldChanges.title).toEqual({ oldValue: 'Renamed', newValue: 'After the upgrade' });
    } finally {
      await db.close();
    }
    // The `decisions` sub-databases are dropped: their pages are free again.
    const root = open({ path, maxDbs: 64 });
    try {
      expect(subDatabase(root, 'decisions').getKeysCount()).toBe(0);
      expect(subDatabase(root, 'decisions.byPoint').getKeysCount()).toBe(0);
      expect(subDatabase(root, 'changes').getKeysCount()).toBeGreaterThan(0);
    } finally {
      await root.close();
    }
  });
});
