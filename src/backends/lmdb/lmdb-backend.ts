import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import type { Backend, CommitPlan, RangeQuery, ReadRequest, WriteOp } from '../../core/backend.js';
import { checkedPlan, runSync } from '../../core/commit-plan.js';
import { TemporalDbError, isTemporalDbError } from '../../core/errors.js';
import { compareKeys, type Key, type KeyPart } from '../../core/key-codec.js';
import {
  TABLES,
  TABLE_NAMES,
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

  private constructor(private readonly root: RootDatabase) {
    // Sub-databases are opened (and created) up front, never inside a commit.
    for (const name of TABLE_NAMES) this.table(name);
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
    return this.countRows(table);
  }

  /** One read transaction for all of them: a snapshot that writers (in any process) do not change. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    const transaction = this.root.useReadTransaction();
    try {
      return requests.map((request) => this.readNow(request, transaction));
    } finally {
      transaction.done();
    }
  }

  /** LMDB copies a consistent snapshot while writers go on (mdb_env_copy). */
  async backup(target: string): Promise<void> {
    // The environment is a directory, so LMDB copies into one (it must exist).
    mkdirSync(target, { recursive: true });
    await this.root.backup(target, false);
  }

  async range(query: RangeQuery): Promise<Row[]> {
    return this.rangeRows(query);
  }

  private countRows(name: TableName, transaction?: Transaction): number {
    const { db, definition } = this.table(name);
    const bounds = { start: lowestKey(definition.key, []), end: highestKey(definition.key, []), inclusiveEnd: true };
    return db.getCount(transaction ? { ...bounds, transaction } : bounds);
  }

  private rangeRows(query: RangeQuery, transaction?: Transaction): Row[] {
    const table = this.table(query.table);
    const at = transaction ? { transaction } : {};
    if (query.index === undefined) {
      return this.scan(table.db, query.lower as LmdbKey, query.upper as LmdbKey, query, transaction).map(({ value }) => value);
    }
    const index = table.indexes.get(query.index)!;
    const lower = lowestKey(index.entryColumns, query.lower);
    const upper = highestKey(index.entryColumns, query.upper);
    const rows: Row[] = [];
    for (const { key, value } of this.scan(index.db, lower, upper, query, transaction)) {
      const primary = index.definition.unique ? value : index.primaryPositions.map((at) => key[at]!);
      const row = Array.isArray(primary) ? table.db.get(primary, at) : undefined;
      if (row) rows.push(row);
    }
    return rows;
  }

  private scan<V>(db: Database<V, LmdbKey>, lower: LmdbKey, upper: LmdbKey, query: RangeQuery, transaction?: Transaction) {
    return Array.from(
      db.getRange({
        start: query.reverse ? upper : lower,
        end: query.reverse ? lower : upper,
        inclusiveEnd: true,
        reverse: query.reverse ?? false,
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(transaction ? { transaction } : {}),
      }),
    );
  }

  /**
   * Plans and writes in one `transactionSync`: LMDB's write lock is held
   * across processes from the plan's first read to the commit, so what the
   * plan reads is the latest state and stays so. The plan runs synchronously
   * (its reads are answered at once); a throw aborts the transaction.
   */
  async commit<T>(plan: CommitPlan<T>): Promise<T> {
    const checked = checkedPlan(plan);
    try {
      return this.root.transactionSync(() => {
        const { ops, result } = runSync(checked(), (request) => this.readNow(request));
        for (const op of ops) this.apply(op, this.primaryKey(this.table(op.table), op));
        return result;
      });
    } catch (error) {
      if (isTemporalDbError(error)) throw error;
      throw new TemporalDbError('STORAGE_ERROR', `LMDB commit failed: ${String(error)}`, { cause: error });
    }
  }

  /** Answers a read at once: inside the write transaction, or in `transaction` when given. */
  private readNow(request: ReadRequest, transaction?: Transaction): unknown {
    const at = transaction ? { transaction } : {};
    if (request.read === 'range') return this.rangeRows(request.query, transaction);
    if (request.read === 'count') return this.countRows(request.table, transaction);
    const { db, indexes, definition } = this.table(request.table);
    switch (request.read) {
      case 'get':
        return db.get(request.key as LmdbKey, at);
      case 'getMany':
        return request.keys.map((key) => db.get(key as LmdbKey, at));
      case 'unique': {
        const primary = indexes.get(request.index)!.db.get(request.key as LmdbKey, at);
        return Array.isArray(primary) ? primary : undefined;
      }
      case 'last': {
        const bounds = { start: highestKey(definition.key, []), end: lowestKey(definition.key, []), reverse: true, limit: 1 };
        for (const { value } of db.getRange(transaction ? { ...bounds, transaction } : bounds)) return value;
        return undefined;
      }
    }
  }

  private primaryKey(table: TableStore, op: WriteOp): LmdbKey {
    return op.type === 'delete' ? [...op.key] : keyOf(table.definition.key, op.row);
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

