import type { Backend, CommitPlan, RangeQuery, ReadRequest } from '../../core/backend.js';
import { checkedPlan, runSync } from '../../core/commit-plan.js';
import { TemporalDbError } from '../../core/errors.js';
import { IndexedKv, KV_SPACE_NAMES } from '../../core/indexed-kv.js';
import type { Key } from '../../core/key-codec.js';
import type { Row, TableName } from '../../core/tables.js';
import { SortedBlocks } from './sorted-blocks.js';

/** The data of one memory store: it outlives the handles opened on it (until `deleteMemoryStore`). */
class MemoryData {
  readonly spaces = new Map(KV_SPACE_NAMES.map((name) => [name, new SortedBlocks()]));
  readonly kv = new IndexedKv((name) => this.spaces.get(name)!);
}

const named = new Map<string, MemoryData>();

/** Rows leave and enter the store as copies, as they would from a disk: a caller's edits never reach it. */
const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

/**
 * Everything in memory, in sorted blocks under the shared IndexedKv: for
 * tests, ephemeral stores and server-side rendering. Commits are synchronous
 * and one at a time, so every plan sees the latest state; nothing survives
 * the process (or page).
 */
export class MemoryBackend implements Backend {
  readonly kind = 'memory';
  private closed = false;

  private constructor(private readonly data: MemoryData) {}

  /** A store of that `name` is shared by every handle in this process or page; without a name, a private one. */
  static open(name?: string): MemoryBackend {
    if (name === undefined) return new MemoryBackend(new MemoryData());
    let data = named.get(name);
    if (!data) named.set(name, (data = new MemoryData()));
    return new MemoryBackend(data);
  }

  /** Drops the data of a named store. */
  static delete(name: string): void {
    named.delete(name);
  }

  private kv(): IndexedKv {
    if (this.closed) throw new TemporalDbError('DATABASE_CLOSED', 'The memory store is closed');
    return this.data.kv;
  }

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return copy(this.kv().answer({ read: 'get', table, key }) as Row | undefined);
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    return copy(this.kv().answer({ read: 'getMany', table, keys }) as Array<Row | undefined>);
  }

  async count(table: TableName): Promise<number> {
    return this.kv().answer({ read: 'count', table }) as number;
  }

  async range(query: RangeQuery): Promise<Row[]> {
    return copy(this.kv().range(query));
  }

  /** Synchronous, so every answer is as of one commit. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    const kv = this.kv();
    return copy(requests.map((request) => kv.answer(request)));
  }

  async commit<T>(plan: CommitPlan<T>): Promise<T> {
    const kv = this.kv();
    // Planned to the end before the first write, so a plan that throws leaves nothing behind.
    const { ops, result } = runSync(checkedPlan(plan)(), (request) => copy(kv.answer(request)));
    for (const op of ops) kv.apply(op.type === 'delete' ? op : { ...op, row: copy(op.row) });
    return result;
  }

  seqNow(): number {
    return (this.kv().answer({ read: 'last', table: 'commits' }) as { seq: number } | undefined)?.seq ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
