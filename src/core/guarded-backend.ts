import type { Backend, RangeQuery, WriteOp } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { Key } from './key-codec.js';
import type { Row, TableName } from './tables.js';

/**
 * The backend every TemporalDb talks to: the engine's own, with its failures
 * made coded. An error that is already a TemporalDbError (a backend's
 * `WRITE_CONFLICT`, `DATABASE_CLOSED`, ...) passes through; anything else an
 * engine throws, on a read as on a write, becomes `STORAGE_ERROR` with the
 * engine's error in `cause`, so no raw engine error reaches a user.
 *
 * @example
 * const db = await TemporalDb.create(guardBackend(backend)); // TemporalDb.create does this itself
 */
export function guardBackend(backend: Backend): Backend {
  return backend instanceof GuardedBackend ? backend : new GuardedBackend(backend);
}

class GuardedBackend implements Backend {
  readonly backup?: (target: string) => Promise<void>;

  constructor(private readonly inner: Backend) {
    const backup = inner.backup;
    if (backup) this.backup = (target) => this.guard(`back up to ${target}`, () => backup.call(inner, target));
  }

  get kind(): string {
    return this.inner.kind;
  }

  get(table: TableName, key: Key): Promise<Row | undefined> {
    return this.guard(`read ${table}`, () => this.inner.get(table, key));
  }

  getMany(table: TableName, keys: readonly Key[]): Promise<Array<Row | undefined>> {
    return this.guard(`read ${table}`, () => this.inner.getMany(table, keys));
  }

  range(query: RangeQuery): Promise<Row[]> {
    return this.guard(`read ${query.index ? `${query.table}.${query.index}` : query.table}`, () => this.inner.range(query));
  }

  count(table: TableName): Promise<number> {
    return this.guard(`count ${table}`, () => this.inner.count(table));
  }

  commit(ops: readonly WriteOp[]): Promise<void> {
    return this.guard('commit', () => this.inner.commit(ops));
  }

  close(): Promise<void> {
    return this.guard('close', () => this.inner.close());
  }

  // Reads are hot: no extra async frame, only a rejection handler. A backend
  // may also throw before it returns its promise, hence the try.
  private guard<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return call().catch((error: unknown) => {
        throw this.coded(action, error);
      });
    } catch (error) {
      return Promise.reject(this.coded(action, error));
    }
  }

  private coded(action: string, error: unknown): TemporalDbError {
    if (error instanceof TemporalDbError) return error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new TemporalDbError('STORAGE_ERROR', `The ${this.inner.kind} engine failed to ${action}: ${detail}`, { cause: error });
  }
}
