import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import type { Backend, CommitPlan, RangeQuery, ReadRequest, WriteOp } from '../../core/backend.js';
import { checkedPlan, runSync, type CommitRow } from '../../core/commit-plan.js';
import { TemporalDbError, isTemporalDbError } from '../../core/errors.js';
import { IndexedKv, KV_SPACE_NAMES, type SortedKv } from '../../core/indexed-kv.js';
import type { Key, KeyPart } from '../../core/key-codec.js';
import type { Row, TableName } from '../../core/tables.js';

type LmdbKey = KeyPart[];

/** How often a watched store looks for commits of other processes, in ms. */
export const COMMIT_POLL_MS = 50;

// msgpackr keeps each table's property names once, under this key, instead of in every row.
// Symbol keys sort below every number and string, so no bounded range read ever meets it.
const STRUCTURES = Symbol.for('temporal-db.structures');

/** The widest bounds of a key space: below every number, above every encoded string. */
const ALL = { start: [-Infinity] as LmdbKey, end: ['\ud7ff\ud7ff\ud7ff\ud7ff'] as LmdbKey };

/** One sub-database as an ordered key space, read in `transaction` when given (else the current one). */
function space(db: Database<unknown, LmdbKey>, transaction?: Transaction): SortedKv {
  const at = transaction ? { transaction } : {};
  return {
    get: (key) => db.get(key as LmdbKey, at),
    put: (key, value) => void db.putSync(key as LmdbKey, value),
    remove: (key) => void db.removeSync(key as LmdbKey),
    range: (lower, upper, reverse, limit) =>
      db.getRange({
        start: (reverse ? upper : lower) as LmdbKey,
        end: (reverse ? lower : upper) as LmdbKey,
        inclusiveEnd: true,
        reverse,
        ...(limit !== undefined ? { limit } : {}),
        ...at,
      }),
    count: () => db.getCount({ ...ALL, ...at }),
  };
}

/**
 * LMDB through lmdb-js: one named sub-database per table and one per index
 * (the key spaces of the shared IndexedKv), all opened up front.
 */
export class LmdbBackend implements Backend {
  readonly kind = 'lmdb';
  private readonly dbs = new Map<string, Database<unknown, LmdbKey>>();
  /** Reads and writes in the current transaction (the write transaction inside `commit`). */
  private readonly kv: IndexedKv;

  private constructor(private readonly root: RootDatabase) {
    for (const name of KV_SPACE_NAMES) {
      this.dbs.set(name, root.openDB<unknown, LmdbKey>({ name, encoding: 'msgpack', sharedStructuresKey: STRUCTURES }));
    }
    const spaces = new Map([...this.dbs].map(([name, db]) => [name, space(db)]));
    this.kv = new IndexedKv((name) => spaces.get(name)!);
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

  async get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.kv.answer({ read: 'get', table, key }) as Row | undefined;
  }

  async getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    return this.kv.answer({ read: 'getMany', table, keys }) as Array<Row | undefined>;
  }

  async count(table: TableName): Promise<number> {
    return this.kv.answer({ read: 'count', table }) as number;
  }

  async range(query: RangeQuery): Promise<Row[]> {
    return this.kv.range(query);
  }

  /** One read transaction for all of them: a snapshot that writers (in any process) do not change. */
  async read(requests: readonly ReadRequest[]): Promise<unknown[]> {
    const transaction = this.root.useReadTransaction();
    try {
      const spaces = new Map<string, SortedKv>();
      const kv = new IndexedKv((name) => spaces.get(name) ?? spaces.set(name, space(this.dbs.get(name)!, transaction)).get(name)!);
      return requests.map((request) => kv.answer(request));
    } finally {
      transaction.done();
    }
  }

  /** Stores of schema 1 (temporal-db 0.1) were written by this engine only; schema 3 re-keys versions, schema 4 drops `decisions`. */
  async upgrade(from: number): Promise<WriteOp[]> {
    if (from < 3) this.rekeyVersions();
    if (from < 4) this.dropSpaces(['decisions', 'decisions.byPoint']);
    return [];
  }

  /** Frees the pages of sub-databases that no table uses any more (schema 4 dropped `decisions`). */
  private dropSpaces(names: string[]): void {
    for (const name of names) this.root.openDB({ name }).dropSync();
  }

  /**
   * Schema 3 keys specification versions by [ik, version, id] and pattern
   * versions by [id, version, recordedAt] (schema 2 by their first two):
   * every version moves to its new key with its index entries, in one write
   * transaction. A version already moved is left alone, so an upgrade cut off
   * before the schema version was recorded runs again.
   */
  private rekeyVersions(): void {
    this.root.transactionSync(() => {
      for (const table of ['specifications', 'patterns'] as const) {
        const rows = this.dbs.get(table)!;
        for (const { key, value } of [...rows.getRange(ALL)]) {
          if (key.length !== 2) continue;
          const row = value as Row;
          rows.removeSync(key);
          if (table === 'specifications') this.dbs.get('specifications.byId')!.removeSync([row.id as string]);
          this.dbs.get(`${table}.byTime`)!.removeSync([key[0]!, row.timestamp as number, key[1]!]);
          this.kv.apply({ type: 'insert', table, row });
        }
      }
    });
  }

  /** LMDB copies a consistent snapshot while writers go on (mdb_env_copy). */
  async backup(target: string): Promise<void> {
    // The environment is a directory, so LMDB copies into one (it must exist).
    mkdirSync(target, { recursive: true });
    await this.root.backup(target, false);
  }

  /**
   * Plans and writes inside one write transaction: lmdb-js's `transaction`
   * holds LMDB's write lock (across processes) while its callback runs, so
   * what the plan reads is the latest state and stays so, and commits (and
   * syncs) off the main thread, so calls keep coalescing meanwhile. An async
   * transaction commits even when its callback throws, so the plan and its
   * writes run in a child transaction (`transactionSync` inside it), which a
   * throw aborts; the callback itself never throws.
   */
  async commit<T>(plan: CommitPlan<T>): Promise<T> {
    const checked = checkedPlan(plan);
    let outcome: { ok: true; result: T } | { ok: false; error: unknown } | undefined;
    try {
      await this.root.transaction(() => {
        try {
          const result = this.root.transactionSync(() => {
            const planned = runSync(checked(), (request) => this.kv.answer(request));
            for (const op of planned.ops) this.kv.apply(op);
            return planned.result;
          });
          outcome = { ok: true, result };
        } catch (error) {
          outcome = { ok: false, error };
        }
      });
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome?.ok) return outcome.result;
    const error = outcome?.error;
    if (isTemporalDbError(error)) throw error;
    throw new TemporalDbError('STORAGE_ERROR', `LMDB commit failed: ${String(error)}`, { cause: error });
  }

  /** The last `commits` key, read without decoding the row (a bulk batch's row lists thousands of keys). */
  seqNow(): number {
    // A key of one number comes back as that number, not an array of it.
    for (const key of this.dbs.get('commits')!.getKeys({ start: ALL.end, end: ALL.start, reverse: true, limit: 1 })) return Array.isArray(key) ? (key[0] as number) : (key as unknown as number);
    return 0;
  }

  /**
   * lmdb-js tells a process of its own commits only (`aftercommit`), so
   * another process's are found by reading the last `commits` row every
   * {@link COMMIT_POLL_MS} ms while watched: one short read, no write.
   */
  watchCommits(onSeq: (seq: number) => void): () => void {
    let seen = -1;
    const timer = setInterval(() => {
      try {
        // The read snapshot of this event turn may predate another process's commit.
        this.root.resetReadTxn();
        const seq = (this.kv.answer({ read: 'last', table: 'commits' }) as CommitRow | undefined)?.seq ?? 0;
        if (seq > seen) onSeq((seen = seq));
      } catch {
        // Closed meanwhile: the watcher is being stopped.
      }
    }, COMMIT_POLL_MS);
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
