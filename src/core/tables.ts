import type { Backend, RangeQuery } from './backend.js';
import type { ChangeRow } from './change-log.js';
import { MAX_KEY_STRING, MIN_KEY_STRING, encodeKeyString, type Key, type KeyPart } from './key-codec.js';
import type {
  ArchitecturalPattern,
  ChangeRecord,
  DecisionPointRecord,
  ImportedRecord,
  PatternRecommendation,
  SpecType,
  Specification,
  Tombstone,
} from './records.js';

/**
 * The one definition of every table. Both backends build their stores from
 * it: IndexedDB as object stores with native indexes, LMDB as one named
 * sub-database per table and per index. Keys are arrays of one fixed shape per
 * table; each column declares how its value is encoded, so none can be missed:
 *
 * - `number`: a number, ordered as such;
 * - `id`: a string temporal-db makes (a uuid, an internal name) that the key
 *   codec leaves as it is; a commit refuses one the codec would change;
 * - `text`: user text, rewritten by the key codec so that every engine orders
 *   it alike. A `text` column is derived: `encodes` names the field it is
 *   computed from, and the commit path fills it in on every write.
 */
export type ColumnType = 'id' | 'text' | 'number';
export type KeyColumns = Readonly<Record<string, ColumnType>>;

export interface IndexDefinition {
  readonly columns: KeyColumns;
  /** At most one row per index key. */
  readonly unique?: boolean;
}

export interface TableDefinition {
  readonly key: KeyColumns;
  readonly indexes: Readonly<Record<string, IndexDefinition>>;
  /** For each `text` column (of the key or an index), the field whose encoded value it holds. */
  readonly encodes?: Readonly<Record<string, string>>;
}

/**
 * Bumped whenever a table or index is added or changed. 2: `importedRecords` keyed by the encoded id, `commits`.
 * 3: specification versions keyed by their id too, pattern versions by their `recordedAt`, so that replicas'
 * versions of one number are kept side by side. 4: a decision is kept once, as its change record (the
 * `decisions` table and its index are gone; the decision count is a `meta` row).
 */
export const SCHEMA_VERSION = 4;

export const TABLES = {
  /**
   * Every version of every specification, tombstones included. The id in the key keeps "siblings":
   * versions of one number that replicas wrote without seeing each other (see `winner`).
   */
  specifications: {
    key: { ik: 'text', version: 'number', id: 'id' },
    indexes: {
      byId: { columns: { id: 'id' }, unique: true },
      // Versions of one identifier are in time order, so "as of" is one reverse read here.
      byTime: { columns: { ik: 'text', timestamp: 'number', version: 'number' } },
    },
    encodes: { ik: 'identifier' },
  },
  /** One row per identifier pointing at its latest version (a derived pointer, not history). */
  heads: {
    key: { ik: 'text' },
    indexes: {
      bySpecId: { columns: { specId: 'id' }, unique: true },
    },
    encodes: { ik: 'identifier' },
  },
  /**
   * The time-series change log: one row per Create, Update, Delete and Decision. A decision is kept
   * here only (an analysis reads the partial days of its window here and whole days from the rollups).
   */
  changes: {
    key: { timestamp: 'number', id: 'id' },
    indexes: {
      // A type filter reads the time order (it rarely narrows a window much), so it has no index.
      bySpec: { columns: { specId: 'id', timestamp: 'number', id: 'id' } },
    },
  },
  /**
   * Per day and decision point, the decisions of that day summed up at write
   * time, so an analysis reads one row per day and point instead of every decision.
   */
  decisionRollups: {
    key: { day: 'number', pointKey: 'text' },
    indexes: {},
    encodes: { pointKey: 'decisionPoint' },
  },
  /** Decision points with their options; each store adds a record, reads take the latest as of an instant. */
  decisionPoints: {
    key: { specId: 'id', pointKey: 'text', timestamp: 'number', id: 'id' },
    indexes: {
      byPoint: { columns: { pointKey: 'text', timestamp: 'number', id: 'id' } },
    },
    encodes: { pointKey: 'decisionPoint' },
  },
  /** Pattern recommendations with their feedback. */
  recommendations: {
    key: { id: 'id' },
    indexes: {
      byCreated: { columns: { createdAt: 'number', id: 'id' } },
    },
  },
  /**
   * Every version of every architectural pattern. A pattern's versions share its id, so replicas'
   * versions of one number (siblings) are told apart by when each was recorded.
   */
  patterns: {
    key: { id: 'id', version: 'number', recordedAt: 'number' },
    indexes: {
      byTime: { columns: { id: 'id', timestamp: 'number', version: 'number' } },
    },
  },
  /** The latest version of each pattern, indexed by last activity for lookback windows. */
  patternHeads: {
    key: { id: 'id' },
    indexes: {
      byActivity: { columns: { activityAt: 'number', id: 'id' } },
    },
  },
  /**
   * Records of kinds temporal-db does not model (from legacy stores), kept as
   * they came so that nothing of an import is dropped.
   */
  importedRecords: {
    // The id is the record's own (any string), so it is encoded like every text column.
    key: { kindKey: 'text', timestamp: 'number', idKey: 'text' },
    indexes: {},
    encodes: { kindKey: 'kind', idKey: 'id' },
  },
  /**
   * One row per committed batch, keyed by its sequence number (1, 2, ...),
   * listing the keys it wrote or deleted as `[table, ...key]`. It is the
   * store's cursor: an export reads everything up to one sequence, and a
   * reader that remembers a sequence finds what changed since in one range
   * read (what live queries and sync will follow).
   */
  commits: {
    key: { seq: 'number' },
    indexes: {},
  },
  /** Store-level facts such as the schema version. */
  meta: {
    key: { name: 'id' },
    indexes: {},
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** A stored row: a plain object that holds its own key columns. */
export type Row = Record<string, unknown>;

/** The pointer kept per identifier in `heads`: where its latest version is (the winner of its number), not a copy of it. */
export type HeadRow = {
  ik: string;
  identifier: string;
  specId: string;
  specType: SpecType;
  latestVersion: number;
  latestId: string;
  latestTimestamp: number;
  /** Set while the latest number has siblings (versions written concurrently on different replicas). */
  conflict?: true;
  firstTimestamp: number;
  deleted: boolean;
};

/** A day's decisions at one decision point, summed up as they are written. */
export type RollupRow = {
  day: number;
  pointKey: string;
  decisionPoint: string;
  total: number;
  selected: number;
  first: number;
  last: number;
  options: Array<[option: string, count: number]>;
  specTypes: Array<[specType: SpecType, count: number]>;
  /** Each distinct context with its latest decision (timestamp, id). */
  contexts: Array<[context: string, timestamp: number, id: string]>;
};

/** A row of the `commits` table: a batch's sequence number and the `[table, ...key]` of each row it wrote. */
export type CommitRow = { seq: number; writes: KeyPart[][] };

/** What each table holds (the records of records.ts plus their key columns). */
export type TableRows = {
  specifications: (Specification & { ik: string; deleted?: undefined }) | (Tombstone & { ik: string });
  heads: HeadRow;
  changes: ChangeRow;
  decisionRollups: RollupRow;
  decisionPoints: DecisionPointRecord & { pointKey: string };
  recommendations: PatternRecommendation;
  patterns: ArchitecturalPattern;
  /** The latest version plus the instant it was last used or changed. */
  patternHeads: ArchitecturalPattern & { activityAt: number };
  importedRecords: ImportedRecord & { kindKey: string; idKey: string };
  commits: CommitRow;
  meta: { name: string; value: unknown };
};
export type RowOf<T extends TableName> = TableRows[T];
export type IndexOf<T extends TableName> = keyof (typeof TABLES)[T]['indexes'] & string;

/**
 * The range query of the rows between two key prefixes (each completed to
 * the lowest and highest full key of the table's or index's shape).
 */
export function span<T extends TableName>(table: T, lower: Key = [], upper: Key = lower, index?: IndexOf<T>): RangeQuery & { table: T } {
  const definition: TableDefinition = TABLES[table];
  const columns = index ? definition.indexes[index]!.columns : definition.key;
  return { table, ...(index ? { index } : {}), lower: lowestKey(columns, lower), upper: highestKey(columns, upper) };
}

/** The rows of a range query, typed by table (engines store rows as they were given). */
export const rowsIn = <T extends TableName>(backend: Backend, query: RangeQuery & { table: T }) => backend.range(query) as Promise<Array<RowOf<T>>>;

/** One row, typed by table. */
export const rowAt = <T extends TableName>(backend: Backend, table: T, key: Key) => backend.get(table, key) as Promise<RowOf<T> | undefined>;

const columnLists = new WeakMap<KeyColumns, string[]>();

export function columnsOf(columns: KeyColumns): string[] {
  let list = columnLists.get(columns);
  if (!list) columnLists.set(columns, (list = Object.keys(columns)));
  return list;
}

export function keyOf(columns: KeyColumns, row: Row): KeyPart[] {
  const names = columnsOf(columns);
  const key = new Array<KeyPart>(names.length);
  for (let i = 0; i < names.length; i++) key[i] = row[names[i]!] as KeyPart;
  return key;
}

const MIN_BY_TYPE: Record<ColumnType, KeyPart> = { id: MIN_KEY_STRING, text: MIN_KEY_STRING, number: -Infinity };
const MAX_BY_TYPE: Record<ColumnType, KeyPart> = { id: MAX_KEY_STRING, text: MAX_KEY_STRING, number: Infinity };

const typeLists = new WeakMap<KeyColumns, ColumnType[]>();

function completeKey(columns: KeyColumns, prefix: Key, fill: Record<ColumnType, KeyPart>): KeyPart[] {
  let types = typeLists.get(columns);
  if (!types) typeLists.set(columns, (types = Object.values(columns)));
  const key = new Array<KeyPart>(types.length);
  for (let i = 0; i < types.length; i++) key[i] = i < prefix.length ? prefix[i]! : fill[types[i]!];
  return key;
}

/** Completes a key prefix to the lowest full key of that shape. */
export function lowestKey(columns: KeyColumns, prefix: Key): KeyPart[] {
  return completeKey(columns, prefix, MIN_BY_TYPE);
}

/** Completes a key prefix to the highest full key of that shape. */
export function highestKey(columns: KeyColumns, prefix: Key): KeyPart[] {
  return completeKey(columns, prefix, MAX_BY_TYPE);
}

/**
 * The row as stored: every `text` column filled in from the field it
 * encodes, so no caller can forget one (or encode it differently).
 */
export function withKeyColumns(definition: TableDefinition, row: Row): Row {
  const encodes = definition.encodes;
  if (!encodes) return row;
  let out: Row | undefined;
  for (const column in encodes) {
    const source = row[encodes[column]!];
    if (typeof source !== 'string') continue;
    const encoded = encodeKeyString(source);
    if (row[column] !== encoded) (out ??= { ...row })[column] = encoded;
  }
  return out ?? row;
}

/** The record without its derived key columns: what a user (or an export) sees. */
export function withoutKeyColumns(definition: TableDefinition, row: Row): Row {
  const encodes = definition.encodes;
  if (!encodes) return row;
  const out = { ...row };
  for (const column in encodes) delete out[column];
  return out;
}
