import type { Backend, WriteOp } from './backend.js';
import { TemporalDbError, isTemporalDbError } from './errors.js';
import type { Key } from './key-codec.js';
import { TABLES, keyOf, type Row, type TableName } from './tables.js';

/**
 * What a write plan sees: reads that include the writes planned before it in
 * the same batch, and a place to put its own writes.
 */
export interface PlanContext {
  get(table: TableName, key: Key): Promise<Row | undefined>;
  /** Reads many keys in one go so that the `get`s of a bulk write do not each cost a transaction. */
  prefetch(table: TableName, keys: readonly Key[]): Promise<void>;
  insert(table: TableName, row: Row): void;
  put(table: TableName, row: Row): void;
  delete(table: TableName, key: Key): void;
}

/** Reads current state and returns the writes to make; throws to refuse. Must not have side effects. */
export type WritePlan<T> = (ctx: PlanContext) => Promise<T>;

interface Pending {
  plan: WritePlan<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// Key parts never hold U+0000 (encoded strings start at U+0021), so it can separate them.
const rowId = (table: TableName, key: Key) => `${table}\u0000${key.join('\u0000')}`;

class Overlay implements PlanContext {
  /** Rows written in this batch; `null` marks a deleted key. */
  readonly rows = new Map<string, Row | null>();
  /** Rows read from the backend during this batch attempt (shared by the whole batch). */
  private readonly reads: Map<string, Row | undefined>;
  readonly ops: WriteOp[] = [];
  /** The row id of each op, so that merging does not work the keys out again. */
  private readonly opIds: string[] = [];
  /** Where the pending put of a key sits in `ops`, so that a later put replaces it. */
  private readonly putAt = new Map<string, number>();

  constructor(
    private readonly backend: Backend,
    private readonly parent?: Overlay,
  ) {
    this.reads = parent ? parent.reads : new Map();
  }

  private lookup(id: string): Row | null | undefined {
    const own = this.rows.get(id);
    return own !== undefined ? own : this.parent?.lookup(id);
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    const id = rowId(table, key);
    const written = this.lookup(id);
    if (written === null) return undefined;
    if (written) return written;
    if (this.reads.has(id)) return this.reads.get(id);
    const row = await this.backend.get(table, key);
    this.reads.set(id, row);
    return row;
  }

  async prefetch(table: TableName, keys: readonly Key[]): Promise<void> {
    const missing = [...new Map(keys.map((key) => [rowId(table, key), key])).entries()].filter(([id]) => !this.reads.has(id));
    const rows = await this.backend.getMany(table, missing.map(([, key]) => key));
    missing.forEach(([id], i) => this.reads.set(id, rows[i]));
  }

  insert(table: TableName, row: Row): void {
    this.write({ type: 'insert', table, row });
  }

  put(table: TableName, row: Row): void {
    this.write({ type: 'put', table, row });
  }

  delete(table: TableName, key: Key): void {
    const id = rowId(table, key);
    this.rows.set(id, null);
    this.push(id, { type: 'delete', table, key });
  }

  private write(op: WriteOp & { row: Row }): void {
    const id = rowId(op.table, keyOf(TABLES[op.table].key, op.row));
    this.rows.set(id, op.row);
    this.push(id, op);
  }

  private push(id: string, op: WriteOp): void {
    const at = op.type === 'put' ? this.putAt.get(id) : undefined;
    if (at !== undefined) {
      this.ops[at] = op;
    } else {
      if (op.type === 'put') this.putAt.set(id, this.ops.length);
      this.ops.push(op);
      this.opIds.push(id);
    }
  }

  mergeInto(target: Overlay): void {
    for (const [id, row] of this.rows) target.rows.set(id, row);
    this.ops.forEach((op, i) => target.push(this.opIds[i]!, op));
  }
}

const MAX_ATTEMPTS = 8;

/**
 * Serializes the writes of one database handle and coalesces the plans that
 * arrive while a commit is under way into one atomic batch, as lmdb-js does
 * within an event turn. Each plan runs against the state left by the plans
 * before it, so versions never collide inside the process; across processes
 * or tabs, an `insert` that meets an existing key aborts the batch and the
 * batch is planned again from fresh reads.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly backend: Backend) {}

  run<T>(plan: WritePlan<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ plan, resolve: resolve as (value: unknown) => void, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every write queued so far has settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the calls made in the same event turn join the first batch.
    await Promise.resolve();
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.runBatch(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const overlay = new Overlay(this.backend);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      for (const item of batch) {
        const own = new Overlay(this.backend, overlay);
        try {
          const value = await item.plan(own);
          own.mergeInto(overlay);
          outcomes.push({ ok: true, value });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      try {
        if (overlay.ops.length > 0) await this.backend.commit(overlay.ops);
      } catch (error) {
        if (isTemporalDbError(error, 'WRITE_CONFLICT') && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, attempt * 2 * Math.random()));
          continue;
        }
        const failure = isTemporalDbError(error)
          ? error
          : new TemporalDbError('STORAGE_ERROR', `The ${this.backend.kind} backend failed to commit: ${String(error)}`, {
              cause: error,
            });
        batch.forEach((item, i) => {
          const outcome = outcomes[i]!;
          item.reject(outcome.ok ? failure : outcome.error);
        });
        return;
      }
      batch.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
      return;
    }
  }
}
