import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';

const METHODS = ['get', 'getMany', 'range', 'count', 'read', 'commit', 'backup', 'storage', 'upgrade', 'close'] as const;

/**
 * The backend every TemporalDb talks to: the engine's own, with its failures
 * made coded. An error that is already a TemporalDbError (a backend's
 * `WRITE_CONFLICT`, `DATABASE_CLOSED`, ...) passes through; anything else an
 * engine throws or rejects with, on a read as on a write, becomes
 * `STORAGE_ERROR` with the engine's error in `cause`, so no raw engine error
 * reaches a user.
 *
 * @example
 * const db = await TemporalDb.create(guardBackend(backend)); // TemporalDb.create does this itself
 */
export function guardBackend(backend: Backend): Backend {
  // The message names the call and, for a read of one table, the table (or the backup's target).
  const coded = (method: string, error: unknown, [first]: unknown[]) =>
    error instanceof TemporalDbError
      ? error
      : new TemporalDbError(
          'STORAGE_ERROR',
          `The ${backend.kind} engine failed (${method}${typeof first === 'string' ? ` ${first}` : (first as { table?: string } | undefined)?.table ? ` ${(first as { table: string }).table}` : ''}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          { cause: error },
        );
  // watchCommits is synchronous and throws nothing of the engine's: passed on as it is.
  const wrapper: Record<string, unknown> = { kind: backend.kind, watchCommits: backend.watchCommits?.bind(backend) };
  if (backend.seqNow) {
    wrapper.seqNow = () => {
      try {
        return backend.seqNow!();
      } catch (error) {
        throw coded('seqNow', error, []);
      }
    };
  }
  for (const method of METHODS) {
    const call = backend[method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!call) continue;
    // Reads are hot: no extra async frame, only a rejection handler. A backend
    // may also throw before it returns its promise, hence the try.
    wrapper[method] = (...args: unknown[]) => {
      try {
        return call.apply(backend, args).catch((error: unknown) => {
          throw coded(method, error, args);
        });
      } catch (error) {
        return Promise.reject(coded(method, error, args));
      }
    };
  }
  return wrapper as unknown as Backend;
}
