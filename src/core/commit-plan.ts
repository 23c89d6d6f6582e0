import type { CommitPlan, Plan, PlannedWrites, ReadRequest, WriteOp } from './backend.js';
import { TemporalDbError } from './errors.js';
import { encodeKeyString, type Key, type KeyPart } from './key-codec.js';
import { TABLES, keyOf, withKeyColumns, type IndexDefinition, type TableDefinition, type TableName } from './tables.js';

// Key parts never hold U+0000 (encoded strings start at U+0021), so it can separate them.
export const rowId = (table: string, key: Key) => `${table}\u0000${key.join('\u0000')}`;

/**
 * A row of the `commits` table: a batch's sequence number, the `[table, ...key]`
 * of each row it wrote, and the handle that made it (`origin`, when it says).
 */
export interface CommitRow {
  seq: number;
  writes: KeyPart[][];
  origin?: number;
}

/**
 * Drives a plan whose reads are answered at once (LMDB inside `transactionSync`, the memory backend).
 *
 * @example
 * const { ops, result } = runSync(checkedPlan(plan)(), (request) => answerNow(request));
 */
export function runSync<T>(plan: Plan<T>, read: (request: ReadRequest) => unknown): T {
  let step = plan.next();
  while (!step.done) step = plan.next(read(step.value));
  return step.value;
}

/** A commit plan that only writes: for schema records and tests. */
export function writeOps(ops: readonly WriteOp[]): CommitPlan<void> {
  // eslint-disable-next-line require-yield
  return function* () {
    return { ops, result: undefined };
  };
}

/**
 * Wraps a commit plan with the checks every engine makes the same way, so no
 * engine re-implements them (as RxDB's `categorizeBulkWriteRows` does for its
 * storages): an `insert` of a key that is stored, or that an earlier op of the
 * batch wrote, is a `WRITE_CONFLICT`; so is a row whose unique index value
 * another row holds. The reads run in the same write transaction as the plan.
 * Then it takes the next commit sequence number and adds the batch's
 * `commits` row. Every backend's `commit` runs its plan through this.
 *
 * @example
 * async commit(plan) {
 *   return this.inWriteTransaction(() => runSync(checkedPlan(plan)(), (request) => this.answer(request)));
 * }
 */
export function checkedPlan<T>(plan: CommitPlan<T>): CommitPlan<T> {
  return function* (): Plan<PlannedWrites<T>> {
    const planned = yield* plan();
    const ops = planned.ops.map(prepare);
    if (ops.length === 0) return planned;
    yield* checkConflicts(ops);
    // Read under the write lock, so sequence numbers are taken once each and in commit order.
    const last = (yield { read: 'last', table: 'commits' }) as CommitRow | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const writes = ops.map((op) => [op.table, ...(op.type === 'delete' ? op.key : keyOf(TABLES[op.table].key, op.row))]);
    const row = { seq, writes, origin: planned.origin } satisfies CommitRow;
    return { ops: [...ops, { type: 'put', table: 'commits', row }], result: planned.result };
  };
}

/** Fills in the `text` key columns and refuses an `id` column the key codec would change. */
function prepare(op: WriteOp): WriteOp {
  if (op.type === 'delete') return op;
  const definition: TableDefinition = TABLES[op.table];
  const row = withKeyColumns(definition, op.row);
  for (const columns of [definition.key, ...Object.values(definition.indexes).map((index) => index.columns)]) {
    for (const column in columns) {
      const value = row[column];
      if (columns[column] === 'id' && (typeof value !== 'string' || encodeKeyString(value) !== value)) {
        throw new TemporalDbError('STORAGE_ERROR', `${op.table}.${column} is an id column but holds ${JSON.stringify(value)}`);
      }
    }
  }
  return row === op.row ? op : { ...op, row };
}

/**
 * The row ids, among the keys the batch inserts before it touches them
 * otherwise, that the store already holds: one `getMany` per table, so an
 * engine that answers each read with a round trip (PostgreSQL) makes one
 * per table rather than one per row.
 */
function* storedBeforeInserts(ops: readonly WriteOp[]): Plan<Set<string>> {
  const touched = new Set<string>();
  const wanted = new Map<TableName, Array<[string, Key]>>();
  for (const op of ops) {
    const key = op.type === 'delete' ? op.key : keyOf(TABLES[op.table].key, op.row);
    const id = rowId(op.table, key);
    if (op.type === 'insert' && !touched.has(id)) {
      const list = wanted.get(op.table) ?? [];
      list.push([id, key]);
      wanted.set(op.table, list);
    }
    touched.add(id);
  }
  const stored = new Set<string>();
  for (const [table, entries] of wanted) {
    const rows = (yield { read: 'getMany', table, keys: entries.map(([, key]) => key) }) as unknown[];
    entries.forEach(([id], i) => rows[i] !== undefined && stored.add(id));
  }
  return stored;
}

function* checkConflicts(ops: readonly WriteOp[]): Plan<void> {
  /** What the batch did to each primary key so far: true written, false deleted. */
  const written = new Map<string, boolean>();
  /** Who holds each unique index value within the batch. */
  const claimed = new Map<string, string>();
  const stored = yield* storedBeforeInserts(ops);
  for (const op of ops) {
    const definition: TableDefinition = TABLES[op.table];
    if (op.type === 'delete') {
      written.set(rowId(op.table, op.key), false);
      continue;
    }
    const key = keyOf(definition.key, op.row);
    const id = rowId(op.table, key);
    if (op.type === 'insert' && (written.get(id) ?? stored.has(id))) {
      throw new TemporalDbError('WRITE_CONFLICT', `${op.table} already holds ${JSON.stringify(key)}`);
    }
    written.set(id, true);
    for (const [name, index] of Object.entries(definition.indexes) as Array<[string, IndexDefinition]>) {
      if (!index.unique) continue;
      const indexKey = keyOf(index.columns, op.row);
      const indexId = rowId(`${op.table}.${name}`, indexKey);
      let owner = claimed.get(indexId);
      if (owner === undefined) {
        const stored = (yield { read: 'unique', table: op.table, index: name, key: indexKey }) as Key | undefined;
        // A row the batch deleted no longer holds its value.
        if (stored !== undefined && written.get(rowId(op.table, stored)) !== false) owner = rowId(op.table, stored);
      }
      if (owner !== undefined && owner !== id) {
        throw new TemporalDbError('WRITE_CONFLICT', `unique index ${op.table}.${name} already holds ${JSON.stringify(indexKey)}`);
      }
      claimed.set(indexId, id);
    }
  }
}

