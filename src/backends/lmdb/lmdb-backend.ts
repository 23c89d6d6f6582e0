import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Backend, RangeQuery, WriteOp } from '../../core/backend.js';
import { TemporalDbError } from '../../core/errors.js';
import { compareKeys, type Key, type KeyPart } from '../../core/key-codec.js';
import {
  TABLES,
  columnsOf,
  highestKey,
  keyOf,
  lowestKey,
  type IndexDefinition,
  type KeyColumns,
  type Row,
  type TableDefinition,
  type TableName,
} from '../../core/tables.js';

type LmdbKey = KeyPart[];

// msgpackr keeps each table's property names once, under this key, instead of in every row.
// Symbol keys sort below every number and string, so no range read ever meets it.
const STRUCTURES = Symbol.for('temporal-db.structures');

interface IndexStore {
  definition: IndexDefinition;
  /**
   * Unique indexes map their columns to the primary key. The others hold
   * `true` under the index columns followed by the primary key columns the
   * index does not already hold, which orders entries as IndexedDB does.
   */
  db: Database<LmdbKey | true, LmdbKey>;
  entryColumns: KeyColumns;
  /** Where each primary key column sits in an entry key. */
  primaryPositions: number[];
}

interface TableStore {
  definition: TableDefinition;
  db: Database<Row, LmdbKey>;
  indexes: Map<string, IndexStore>;
}

/**
 * LMDB through lmdb-js: one named sub-database per table and one per index,
 * built from the shared table definitions and opened on first use.
 */
export class LmdbBackend implements Backend {
  readonly kind = 'lmdb';
  private readonly tables = new Map<TableName, TableStore>();

  private constructor(private readonly root: RootDatabase) {}

  /** Opens (creating if needed) the LMDB environment in the directory `path`. */
  static open(path: string, options: { noSync?: boolean } = {}): LmdbBackend {
    try {
      const root = open({ path, maxDbs: 64, noSync: options.noSync ?? false });
      return new LmdbBackend(root);
    } catch (error) {
      throw new TemporalDbError('STORAGE_ERROR', `Cannot open the LMDB store at ${path}: ${String(error)}`, { cause: error });
    }
  }

  private openDb<V>(name: string): Database<V, LmdbKey> {
    return this.root.openDB<V, LmdbKey>({ name, encoding: 'msgpack', sharedStructuresKey: STRUCTURES });
  }

  private table(name: TableName): TableStore {
    let table = this.tables.get(name);
    if (table) return table;
    const definition: TableDefinition = TABLES[name];
    const primary = columnsOf(definition.key);
    const indexes = new Map<string, IndexStore>();
    for (const [indexName, index] of Object.entries(definition.indexes)) {
      const own = columnsOf(index.columns);
      const entryColumns: KeyColumns = index.unique
        ? index.columns
        : { ...index.columns, ...Object.fromEntries(primary.filter((c) => !own.includes(c)).map((c) => [c, definition.key[c]!])) };
      const entryNames = columnsOf(entryColumns);
      indexes.set(indexName, {
        definition: index,
        db: this.openDb<LmdbKey | true>(`${name}.${indexName}`),
        entryColumns,
        primaryPositions: primary.map((c) => entryNames.indexOf(c)),
      });
    }
    table = { definition, db: this.openDb<Row>(name), indexes };
    this.tables.set(name, table);
    return table;
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.table(table).db.get(key as LmdbKey);
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    const { db } = this.table(table);
    return keys.map((key) => db.get(key as LmdbKey));
  }

  async count(table: TableName): Promise<number> {
    const { db, definition } = this.table(table);
    return db.getCount({ start: lowestKey(definition.key, []), end: highestKey(definition.key, []), inclusiveEnd: true });
  }

  /** LMDB copies a consistent snapshot while writers go on (mdb_env_copy). */
  async backup(target: string): Promise<void> {
    // The environment is a directory, so LMDB copies into one (it must exist).
    mkdirSync(target, { recursive: true });
    await this.root.backup(target, false);
  }

  async range(query: RangeQuery): Promise<Row[]> {
    const table = this.table(query.table);
    if (query.index === undefined) {
      return this.scan(table.db, query.lower as LmdbKey, query.upper as LmdbKey, query).map(({ value }) => value);
    }
    const index = table.indexes.get(query.index)!;
    const lower = lowestKey(index.entryColumns, query.lower);
    const upper = highestKey(index.entryColumns, query.upper);
    const rows: Row[] = [];
    for (const { key, value } of this.scan(index.db, lower, upper, query)) {
      const primary = index.definition.unique ? value : index.primaryPositions.map((at) => key[at]!);
      const row = Array.isArray(primary) ? table.db.get(primary) : undefined;
      if (row) rows.push(row);
    }
    return rows;
  }

  private scan<V>(db: Database<V, LmdbKey>, lower: LmdbKey, upper: LmdbKey, query: RangeQuery) {
    return Array.from(
      db.getRange({
        start: query.reverse ? upper : lower,
        end: query.reverse ? lower : upper,
        inclusiveEnd: true,
        reverse: query.reverse ?? false,
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    );
  }

  async commit(ops: readonly WriteOp[]): Promise<void> {
    let conflict: string | undefined;
    // Keys are worked out once, and sub-databases opened, outside the write transaction.
    const keys = ops.map((op) => this.primaryKey(this.table(op.table), op));
    try {
      await this.root.transaction(() => {
        // lmdb-js commits an async transaction even when its callback throws,
        // so every condition is checked before the first write is made.
        conflict = this.findConflict(ops, keys);
        if (conflict === undefined) ops.forEach((op, i) => this.apply(op, keys[i]!));
      });
    } catch (error) {
      throw new TemporalDbError('STORAGE_ERROR', `LMDB commit failed: ${String(error)}`, { cause: error });
    }
    if (conflict !== undefined) throw new TemporalDbError('WRITE_CONFLICT', conflict);
  }

  private primaryKey(table: TableStore, op: WriteOp): LmdbKey {
    return op.type === 'delete' ? [...op.key] : keyOf(table.definition.key, op.row);
  }

  /** Runs inside the write transaction: no other writer can change what it reads. */
  private findConflict(ops: readonly WriteOp[], keys: readonly LmdbKey[]): string | undefined {
    const inserted = new Set<string>();
    const uniqueTaken = new Map<string, string>();
    for (const [i, op] of ops.entries()) {
      if (op.type === 'delete') continue;
      const table = this.table(op.table);
      const key = keys[i]!;
      const id = `${op.table}\u0000${key.join('\u0000')}`;
      if (op.type === 'insert') {
        if (inserted.has(id) || table.db.doesExist(key)) return `${op.table} already holds ${JSON.stringify(key)}`;
        inserted.add(id);
      }
      for (const [name, index] of table.indexes) {
        if (!index.definition.unique) continue;
        const indexKey = keyOf(index.definition.columns, op.row);
        const indexId = `${op.table}.${name}\u0000${indexKey.join('\u0000')}`;
        const owner = uniqueTaken.get(indexId) ?? ownerId(op.table, index.db.get(indexKey));
        if (owner !== undefined && owner !== id) {
          return `unique index ${op.table}.${name} already holds ${JSON.stringify(indexKey)}`;
        }
        uniqueTaken.set(indexId, id);
      }
    }
    return undefined;
  }

  private apply(op: WriteOp, key: LmdbKey): void {
    const table = this.table(op.table);
    // An insert was checked to be new, so only puts and deletes can leave index entries behind.
    const previous = op.type === 'insert' ? undefined : table.db.get(key);
    if (op.type === 'delete') {
      if (previous !== undefined) this.unindex(table, previous);
      table.db.removeSync(key);
      return;
    }
    table.db.putSync(key, op.row);
    for (const index of table.indexes.values()) {
      const entryKey = keyOf(index.entryColumns, op.row);
      if (previous !== undefined) {
        const oldKey = keyOf(index.entryColumns, previous);
        // Most replaced rows (heads) keep their index keys: leave those entries alone.
        if (compareKeys(oldKey, entryKey) === 0) continue;
        index.db.removeSync(oldKey);
      }
      index.db.putSync(entryKey, index.definition.unique ? key : true);
    }
  }

  private unindex(table: TableStore, previous: Row): void {
    for (const index of table.indexes.values()) index.db.removeSync(keyOf(index.entryColumns, previous));
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

const ownerId = (table: string, primary: LmdbKey | true | undefined) =>
  Array.isArray(primary) ? `${table}\u0000${primary.join('\u0000')}` : undefined;
