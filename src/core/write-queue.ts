import type { Backend, Plan, WriteOp } from './backend.js';
import { rowId } from './commit-plan.js';
import type { Key } from './key-codec.js';
import { TABLES, keyOf, span, type Row, type RowOf, type TableName } from './tables.js';

/**
 * What a write plan sees: reads that include the writes planned before it in
 * the same batch, and a place to put its own writes. Reads are generators:
 * `const head = yield* ctx.get('heads', [ik])`.
 */
export interface PlanContext {
  get<T extends TableName>(table: T, key: Key): Plan<RowOf<T> | undefined>;
  /** Reads many keys in one go so that the `get`s of a bulk write do not each cost a round trip. */
  prefetch(table: TableName, keys: readonly Key[]): Plan<void>;
  /** The rows whose key starts with `prefix`, this batch's writes included, in no set order. */
  range<T extends TableName>(table: T, prefix: Key): Plan<Array<RowOf<T>>>;
  insert<T extends TableName>(table: T, row: RowOf<T>): void;
  put<T extends TableName>(table: T, row: RowOf<T>): void;
  delete(table: TableName, key: Key): void;
}

/**
 * Reads current state and returns the writes to make; throws to refuse. It
 * runs inside the engine's write transaction, so it must not await anything
 * and must not have side effects.
 */
export type WritePlan<T> = (ctx: PlanContext) => Plan<T>;

interface Pending {
  plan: WritePlan<unknown>;
  /** Committed in a batch of its own (a pulled sync page: its commit's keys then say where each record came from). */
  alone: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

class Overlay implements PlanContext {
  /** Rows written in this batch; `null` marks a deleted key. */
  readonly rows = new Map<string, Row | null>();
  /** Rows read during this batch (shared by the whole batch). */
  private readonly reads: Map<string, Row | undefined>;
  readonly ops: WriteOp[] = [];
  /** The row id of each op, so that merging does not work the keys out again. */
  private readonly opIds: string[] = [];
  /** Where the pending put of a key sits in `ops`, so that a later put replaces it. */
  private readonly putAt = new Map<string, number>();
  /**
   * The ids in `rows` under each proper key prefix (as `range` spells it: `rowId(table, prefix)` and a
   * separator), so that a range read looks at the rows under its prefix, not at every row of the batch:
   * a page of 500 pulled records reads a range per version. Built on the first range read and kept up
   * from `added` (ids in the order they were first written): most batches never read a range.
   */
  private readonly under = new Map<string, Set<string>>();
  private readonly added: string[] = [];
  private indexed = 0;

  constructor(private readonly parent?: Overlay) {
    this.reads = parent ? parent.reads : new Map();
  }

  private lookup(id: string): Row | null | undefined {
    const own = this.rows.get(id);
    return own !== undefined ? own : this.parent?.lookup(id);
  }

  *get<T extends TableName>(table: T, key: Key): Plan<RowOf<T> | undefined> {
    const id = rowId(table, key);
    const written = this.lookup(id);
    if (written === null) return undefined;
    if (written) return written as RowOf<T>;
    if (this.reads.has(id)) return this.reads.get(id) as RowOf<T> | undefined;
    const row = (yield { read: 'get', table, key }) as RowOf<T> | undefined;
    this.reads.set(id, row);
    return row;
  }

  *prefetch(table: TableName, keys: readonly Key[]): Plan<void> {
    const missing = [...new Map(keys.map((key) => [rowId(table, key), key])).entries()].filter(([id]) => !this.reads.has(id));
    if (missing.length === 0) return;
    const rows = (yield { read: 'getMany', table, keys: missing.map(([, key]) => key) }) as Array<Row | undefined>;
    missing.forEach(([id], i) => this.reads.set(id, rows[i]));
  }

  *range<T extends TableName>(table: T, prefix: Key): Plan<Array<RowOf<T>>> {
    const start = rowId(table, prefix) + '\u0000';
    const found = new Map<string, Row | null>();
    for (let at: Overlay | undefined = this; at; at = at.parent) {
      if (prefix.length === 0) {
        for (const [id, row] of at.rows) if (id.startsWith(start) && !found.has(id)) found.set(id, row);
      } else {
        for (const id of at.rowsUnder(start)) if (!found.has(id)) found.set(id, at.rows.get(id)!);
      }
    }
    for (const row of (yield { read: 'range', query: span(table, prefix) }) as Row[]) {
      const id = rowId(table, keyOf(TABLES[table].key, row));
      if (!found.has(id)) found.set(id, row);
    }
    return [...found.values()].filter((row) => row !== null) as Array<RowOf<T>>;
  }

  insert<T extends TableName>(table: T, row: RowOf<T>): void {
    this.write({ type: 'insert', table, row });
  }

  put<T extends TableName>(table: T, row: RowOf<T>): void {
    this.write({ type: 'put', table, row });
  }

  delete(table: TableName, key: Key): void {
    const id = rowId(table, key);
    this.hold(id, null);
    this.push(id, { type: 'delete', table, key });
  }

  private write(op: WriteOp & { row: Row }): void {
    const id = rowId(op.table, keyOf(TABLES[op.table].key, op.row));
    this.hold(id, op.row);
    this.push(id, op);
  }

  private hold(id: string, row: Row | null): void {
    if (!this.rows.has(id)) this.added.push(id);
    this.rows.set(id, row);
  }

  private rowsUnder(start: string): Iterable<string> {
    for (; this.indexed < this.added.length; this.indexed++) {
      const id = this.added[this.indexed]!;
      // Each separator after the table's name ends a proper prefix of the key.
      for (let at = id.indexOf('\u0000', id.indexOf('\u0000') + 1); at >= 0; at = id.indexOf('\u0000', at + 1)) {
        const prefix = id.slice(0, at + 1);
        const ids = this.under.get(prefix);
        if (ids) ids.add(id);
        else this.under.set(prefix, new Set([id]));
      }
    }
    return this.under.get(start) ?? [];
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
    for (const [id, row] of this.rows) target.hold(id, row);
    this.ops.forEach((op, i) => target.push(this.opIds[i]!, op));
  }
}

/**
 * Serializes the writes of one database handle and coalesces the plans that
 * arrive while a commit is under way into one atomic batch, as lmdb-js does
 * within an event turn. The batch is planned inside the engine's write
 * transaction (the backend drives the plans' reads there), and each plan runs
 * against the state left by the plans before it, so a version number is read
 * and taken under one lock: no valid write is refused for contention, across
 * processes and tabs too, and there is nothing to retry.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly backend: Backend,
    /** Marks the batches' `commits` rows with its origin, and is told when each batch settled. */
    private readonly feed?: { readonly origin: number; reach(): void },
  ) {}

  run<T>(plan: WritePlan<T>, alone = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ plan, alone, resolve: resolve as (value: unknown) => void, reject });
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
        let size = 1;
        if (!this.pending[0]!.alone) while (size < this.pending.length && !this.pending[size]!.alone) size++;
        await this.runBatch(this.pending.splice(0, size));
      }
    } finally {
      this.running = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[] = [];
    const origin = this.feed?.origin;
    try {
      outcomes = await this.backend.commit(function* () {
        const overlay = new Overlay();
        const results: Outcome[] = (outcomes = []);
        for (const item of batch) {
          const own = new Overlay(overlay);
          try {
            const value = yield* item.plan(own);
            own.mergeInto(overlay);
            results.push({ ok: true, value });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
        return { ops: overlay.ops, result: results, origin };
      });
    } catch (failure) {
      // A plan that refused keeps its own error; the others get the commit's.
      batch.forEach((item, i) => {
        const outcome = outcomes[i];
        item.reject(outcome && !outcome.ok ? outcome.error : failure);
      });
      return;
    } finally {
      this.feed?.reach();
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
