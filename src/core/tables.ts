import { MAX_KEY_STRING, MIN_KEY_STRING, type Key, type KeyPart } from './key-codec.js';

/**
 * The one definition of every table. Both backends build their stores from
 * it: IndexedDB as object stores with native indexes, LMDB as one named
 * sub-database per table and per index. Keys are arrays of one fixed shape per
 * table; each column is typed so that range bounds can be filled in.
 */
export type ColumnType = 'string' | 'number';
export type KeyColumns = Readonly<Record<string, ColumnType>>;

export interface IndexDefinition {
  readonly columns: KeyColumns;
  /** At most one row per index key. */
  readonly unique?: boolean;
}

export interface TableDefinition {
  readonly key: KeyColumns;
  readonly indexes: Readonly<Record<string, IndexDefinition>>;
}

/** Bumped whenever a table or index is added or changed. */
export const SCHEMA_VERSION = 1;

export const TABLES = {
  /** Every version of every specification, tombstones included. */
  specifications: {
    key: { ik: 'string', version: 'number' },
    indexes: {
      byId: { columns: { id: 'string' }, unique: true },
      // Versions of one identifier are in time order, so "as of" is one reverse read here.
      byTime: { columns: { ik: 'string', timestamp: 'number', version: 'number' } },
    },
  },
  /** One row per identifier pointing at its latest version (a derived pointer, not history). */
  heads: {
    key: { ik: 'string' },
    indexes: {
      bySpecId: { columns: { specId: 'string' }, unique: true },
    },
  },
  /** The time-series change log: one row per Create, Update, Delete and Decision. */
  changes: {
    key: { timestamp: 'number', id: 'string' },
    indexes: {
      // A type filter reads the time order (it rarely narrows a window much), so it has no index.
      bySpec: { columns: { specId: 'string', timestamp: 'number', id: 'string' } },
    },
  },
  /** Decisions in time order, so an analysis window is one range read. */
  decisions: {
    key: { timestamp: 'number', id: 'string' },
    indexes: {
      byPoint: { columns: { pointKey: 'string', timestamp: 'number', id: 'string' } },
    },
  },
  /**
   * Per day and decision point, the decisions of that day summed up at write
   * time, so an analysis reads one row per day and point instead of every decision.
   */
  decisionRollups: {
    key: { day: 'number', pointKey: 'string' },
    indexes: {},
  },
  /** Decision points with their options; each store adds a record, reads take the latest as of an instant. */
  decisionPoints: {
    key: { specId: 'string', pointKey: 'string', timestamp: 'number', id: 'string' },
    indexes: {
      byPoint: { columns: { pointKey: 'string', timestamp: 'number', id: 'string' } },
    },
  },
  /** Pattern recommendations with their feedback. */
  recommendations: {
    key: { id: 'string' },
    indexes: {
      byCreated: { columns: { createdAt: 'number', id: 'string' } },
    },
  },
  /** Every version of every architectural pattern. */
  patterns: {
    key: { id: 'string', version: 'number' },
    indexes: {
      byTime: { columns: { id: 'string', timestamp: 'number', version: 'number' } },
    },
  },
  /** The latest version of each pattern, indexed by last activity for lookback windows. */
  patternHeads: {
    key: { id: 'string' },
    indexes: {
      byActivity: { columns: { activityAt: 'number', id: 'string' } },
    },
  },
  /**
   * Records of kinds temporal-db does not model (from legacy stores), kept as
   * they came so that nothing of an import is dropped.
   */
  importedRecords: {
    key: { kindKey: 'string', timestamp: 'number', id: 'string' },
    indexes: {},
  },
  /** Store-level facts such as the schema version. */
  meta: {
    key: { name: 'string' },
    indexes: {},
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** A stored row: a plain object that holds its own key columns. */
export type Row = Record<string, unknown>;

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

const MIN_BY_TYPE: Record<ColumnType, KeyPart> = { string: MIN_KEY_STRING, number: -Infinity };
const MAX_BY_TYPE: Record<ColumnType, KeyPart> = { string: MAX_KEY_STRING, number: Infinity };

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
