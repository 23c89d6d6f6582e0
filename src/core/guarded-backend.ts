import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';

const METHODS = ['get', 'getMany', 'range', 'count', 'read', 'commit', 'backup', 'storage', 'close'] as const;
const guarded = new WeakSet<Backend>();

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
  if (guarded.has(backend)) return backend;
  const wrapper = { kind: backend.kind } as Record<string, unknown>;
  for (const method of METHODS) {
    const call = backend[method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!call) continue;
    // Reads are hot: no extra async frame, only a rejection handler. A backend
    // may also throw before it returns its promise, hence the try.
    wrapper[method] = (...args: unknown[]) => {
      const coded = (error: unknown) => {
        if (error instanceof TemporalDbError) return error;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const what = method === 'commit' || method === 'close' || method === 'read' ? method : `${method} ${typeof args[0] === 'object' ? (args[0] as { table: string }).table : args[0]}`;
        return new TemporalDbError('STORAGE_ERROR', `The ${backend.kind} engine failed (${what}): ${detail}`, { cause: error });
      };
      try {
        return call.apply(backend, args).catch((error: unknown) => {
          throw coded(error);
        });
      } catch (error) {
        return Promise.reject(coded(error));
      }
    };
  }
  guarded.add(wrapper as unknown as Backend);
  return wrapper as unknown as Backend;
}
