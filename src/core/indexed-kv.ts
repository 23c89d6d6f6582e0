import type { RangeQuery, ReadRequest, WriteOp } from './backend.js';
import { compareKeys, type Key, type KeyPart } from './key-codec.js';
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
} from './tables.js';

/** One ordered key space of a key-value engine, read and written synchronously. */
export interface SortedKv {
  get(key: Key): unknown;
  put(key: Key, value: unknown): void;
  remove(key: Key): void;
  /** Entries with lower <= key <= upper, in key order (or reverse), at most `limit`. */
  range(lower: Key, upper: Key, reverse: boolean, limit: number | undefined): Iterable<{ key: Key; value: unknown }>;
  count(): number;
}

/** A key-value engine: one named key space per table (`specifications`) and per index (`specifications.byTime`). */
export type KvSpaces = (name: string) => SortedKv;

interface IndexLayout {
  name: string;
  definition: IndexDefinition;
  /**
   * Unique indexes map their columns to the primary key. The others hold
   * `true` under the index columns followed by the primary key columns the
   * index does not already hold, which orders entries as IndexedDB does.
   */
  entryColumns: KeyColumns;
  /** Where each primary key column sits in an entry key. */
  primaryPositions: number[];
}

function layoutOf(name: TableName): IndexLayout[] {
  const definition: TableDefinition = TABLES[name];
  const primary = columnsOf(definition.key);
  return (Object.entries(definition.indexes) as Array<[string, IndexDefinition]>).map(([indexName, index]) => {
    const own = columnsOf(index.columns);
    const entryColumns: KeyColumns = index.unique
      ? index.columns
      : { ...index.columns, ...Object.fromEntries(primary.filter((c) => !own.includes(c)).map((c) => [c, definition.key[c]!])) };
    const entryNames = columnsOf(entryColumns);
    return { name: indexName, definition: index, entryColumns, primaryPositions: primary.map((c) => entryNames.indexOf(c)) };
  });
}

/** Every key space a store of the table definitions has: for an engine to create them up front. */
export const KV_SPACE_NAMES: readonly string[] = TABLE_NAMES.flatMap((name) => [name, ...layoutOf(name).map((index) => `${name}.${index.name}`)]);

const LAYOUTS = new Map(TABLE_NAMES.map((name) => [name, layoutOf(name)]));

/**
 * Tables and their indexes over a plain ordered key-value engine, written
 * once for every such engine (LMDB, memory): index entries kept in step with
 * every put and delete, index ranges resolved to rows, and every read a
 * commit plan or `read` can ask for. An engine adapter only gives key spaces.
 */
export class IndexedKv {
  constructor(private readonly spaces: KvSpaces) {}

  answer(request: ReadRequest): unknown {
    switch (request.read) {
      case 'get':
        return this.spaces(request.table).get(request.key);
      case 'getMany': {
        const space = this.spaces(request.table);
        return request.keys.map((key) => space.get(key));
      }
      case 'unique': {
        const primary = this.spaces(`${request.table}.${request.index}`).get(request.key);
        return Array.isArray(primary) ? primary : undefined;
      }
      case 'last': {
        const { key } = TABLES[request.table];
        for (const { value } of this.spaces(request.table).range(lowestKey(key, []), highestKey(key, []), true, 1)) return value;
        return undefined;
      }
      case 'count':
        return this.spaces(request.table).count();
      case 'range':
        return this.range(request.query);
    }
  }

  range(query: RangeQuery): Row[] {
    const rows = this.spaces(query.table);
    const reverse = query.reverse ?? false;
    if (query.index === undefined) {
      return Array.from(rows.range(query.lower, query.upper, reverse, query.limit), ({ value }) => value as Row);
    }
    const index = LAYOUTS.get(query.table)!.find((layout) => layout.name === query.index)!;
    const lower = lowestKey(index.entryColumns, query.lower);
    const upper = highestKey(index.entryColumns, query.upper);
    const found: Row[] = [];
    for (const { key, value } of this.spaces(`${query.table}.${index.name}`).range(lower, upper, reverse, query.limit)) {
      const primary = index.definition.unique ? (value as Key) : index.primaryPositions.map((at) => key[at]!);
      const row = rows.get(primary) as Row | undefined;
      if (row) found.push(row);
    }
    return found;
  }

  /** Applies one checked op (see `checkedPlan`), keeping every index of its table in step. */
  apply(op: WriteOp): void {
    const rows = this.spaces(op.table);
    const key: KeyPart[] = op.type === 'delete' ? [...op.key] : keyOf(TABLES[op.table].key, op.row);
    // An insert was checked to be new, so only puts and deletes can leave index entries behind.
    const previous = op.type === 'insert' ? undefined : (rows.get(key) as Row | undefined);
    const indexes = LAYOUTS.get(op.table)!;
    if (op.type === 'delete') {
      if (previous !== undefined) {
        for (const index of indexes) this.spaces(`${op.table}.${index.name}`).remove(keyOf(index.entryColumns, previous));
      }
      rows.remove(key);
      return;
    }
    rows.put(key, op.row);
    for (const index of indexes) {
      const space = this.spaces(`${op.table}.${index.name}`);
      const entryKey = keyOf(index.entryColumns, op.row);
      if (previous !== undefined) {
        const oldKey = keyOf(index.entryColumns, previous);
        // Most replaced rows (heads) keep their index keys: leave those entries alone.
        if (compareKeys(oldKey, entryKey) === 0) continue;
        space.remove(oldKey);
      }
      space.put(entryKey, index.definition.unique ? key : true);
    }
  }
}
