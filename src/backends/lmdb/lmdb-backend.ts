import { open, type Database, type RootDatabase } from 'lmdb';
import type { Backend, RangeQuery, WriteOp } from '../../core/backend.js';
import { TemporalDbError } from '../../core/errors.js';
import { compareKeys, type Key, type KeyPart } from '../../core/key-codec.js';
import {
  TABLES,
  TABLE_NAMES,
  highestKey,
  keyOf,
  lowestKey,
  type IndexDefinition,
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
  /** Unique indexes map to the primary key; the others hold `true` under index columns + primary key. */
  db: Database<LmdbKey | true, LmdbKey>;
}

interface TableStore {
  definition: TableDefinition;
  db: Database<Row, LmdbKey>;
  indexes: Map<string, IndexStore>;
}

/**
 * LMDB through lmdb-js: one named sub-database per table and one per index,
 * built from the shared table definitions. An index entry's key is the index
 * columns followed by the primary key (so non-unique indexes stay ordered like
 * IndexedDB's), its value is `true`.
 */
export class LmdbBackend implements Backend {
  readonly kind = 'lmdb';
  private readonly tables = new Map<TableName, TableStore>();

  private constructor(private readonly root: RootDatabase) {
    for (const name of TABLE_NAMES) {
      const definition: TableDefinition = TABLES[name];
      const indexes = new Map<string, IndexStore>();
      for (const [indexName, index] of Object.entries(definition.indexes)) {
        indexes.set(indexName, {
          definition: index,
          db: root.openDB<LmdbKey | true, LmdbKey>({ name: `${name}.${indexName}`, encoding: 'msgpack', sharedStructuresKey: STRUCTURES }),
        });
      }
      const db = root.openDB<Row, LmdbKey>({ name, encoding: 'msgpack', sharedStructuresKey: STRUCTURES });
      this.tables.set(name, { definition, db, indexes });
    }
  }

  /** Opens (creating if needed) the LMDB environment in the directory `path`. */
  static open(path: string, options: { noSync?: boolean } = {}): LmdbBackend {
    try {
      const root = open({ path, maxDbs: 64, noSync: options.noSync ?? false });
      return new LmdbBackend(root);
    } catch (error) {
      throw new TemporalDbError('STORAGE_ERROR', `Cannot open the LMDB store at ${path}: ${String(error)}`, { cause: error });
    }
  }

  private table(name: TableName): TableStore {
    return this.tables.get(name)!;
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.table(table).db.get(key as LmdbKey);
  }

  async range(query: RangeQuery): Promise<Row[]> {
    const table = this.table(query.table);
    if (query.index === undefined) {
      return this.scan(table.db, query.lower as LmdbKey, query.upper as LmdbKey, query).map(({ value }) => value);
    }
    const index = table.indexes.get(query.index)!;
    const primaryLength = Object.keys(table.definition.key).length;
    const lower: LmdbKey = index.definition.unique
      ? [...query.lower]
      : [...query.lower, ...lowestKey(table.definition.key, [])];
    const upper: LmdbKey = index.definition.unique
      ? [...query.upper]
      : [...query.upper, ...highestKey(table.definition.key, [])];
    const rows: Row[] = [];
    for (const { key } of this.scan(index.db, lower, upper, query)) {
      const primary = index.definition.unique ? undefined : key.slice(key.length - primaryLength);
      const row = primary ? table.db.get(primary) : this.uniqueTarget(table, index, key);
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

  // A unique index stores the primary key as its value.
  private uniqueTarget(table: TableStore, index: IndexStore, key: LmdbKey): Row | undefined {
    const primary = index.db.get(key);
    return Array.isArray(primary) ? table.db.get(primary) : undefined;
  }

  async commit(ops: readonly WriteOp[]): Promise<void> {
    let conflict: string | undefined;
    try {
      await this.root.transaction(() => {
        // lmdb-js commits an async transaction even when its callback throws,
        // so every condition is checked before the first write is made.
        conflict = this.findConflict(ops);
        if (conflict === undefined) for (const op of ops) this.apply(op);
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
  private findConflict(ops: readonly WriteOp[]): string | undefined {
    const inserted = new Set<string>();
    const uniqueTaken = new Map<string, string>();
    for (const op of ops) {
      if (op.type === 'delete') continue;
      const table = this.table(op.table);
      const key = keyOf(table.definition.key, op.row);
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

  private apply(op: WriteOp): void {
    const table = this.table(op.table);
    const key = this.primaryKey(table, op);
    // An insert was checked to be new, so only puts and deletes can leave index entries behind.
    const previous = op.type === 'insert' ? undefined : table.db.get(key);
    if (op.type === 'delete') {
      if (previous !== undefined) this.unindex(table, key, previous);
      table.db.removeSync(key);
      return;
    }
    table.db.putSync(key, op.row);
    for (const index of table.indexes.values()) {
      const indexKey = keyOf(index.definition.columns, op.row);
      if (previous !== undefined) {
        const oldKey = keyOf(index.definition.columns, previous);
        // Most replaced rows (heads) keep their index keys: leave those entries alone.
        if (compareKeys(oldKey, indexKey) === 0) continue;
        index.db.removeSync(index.definition.unique ? oldKey : [...oldKey, ...key]);
      }
      if (index.definition.unique) index.db.putSync(indexKey, key);
      else index.db.putSync([...indexKey, ...key], true);
    }
  }

  private unindex(table: TableStore, key: LmdbKey, previous: Row): void {
    for (const index of table.indexes.values()) {
      const indexKey = keyOf(index.definition.columns, previous);
      index.db.removeSync(index.definition.unique ? indexKey : [...indexKey, ...key]);
    }
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

const ownerId = (table: string, primary: LmdbKey | true | undefined) =>
  Array.isArray(primary) ? `${table}\u0000${primary.join('\u0000')}` : undefined;
