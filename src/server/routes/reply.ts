// Helpers the route files share: replies, and error paths named as the
// client sent them (`['query', 'asOf']` for `?asOf=`, body fields as they are).
import { HttpError, rebasePaths } from '../http-error.js';
import type { Reply } from '../router.js';

export const ok = (json: unknown): Reply => ({ json });

export const created = (json: unknown, location?: string): Reply => ({ status: 201, json, ...(location ? { headers: { location } } : {}) });

/**
 * Runs a library call whose arguments came from the query string: error
 * paths start with `query`, in place of the library's argument name
 * (`strip`), except those naming a URL segment (`keep`).
 */
export async function fromQuery<T>(run: () => Promise<T>, strip: readonly string[] = [], keep: readonly string[] = []): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw rebasePaths(error, strip, ['query'], keep);
  }
}

/** Runs a library call whose argument is the body: error paths are the body's fields, without the library's argument name (`strip`). */
export async function fromBody<T>(run: () => Promise<T>, strip: readonly string[] = [], keep: readonly string[] = []): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw rebasePaths(error, strip, [], keep);
  }
}

/** A 404 with the library's `NOT_FOUND` code, for a read that found nothing. */
export const notFound = (message: string, path: Array<string | number>) => new HttpError(404, 'NOT_FOUND', message, path);

/** The body as an object of named fields, or a 400 naming what it is instead. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  const received = body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body;
  throw new HttpError(400, 'INVALID_INPUT', `Invalid input at (input): expected an object, received ${received}`, [], [
    { path: [], message: `expected an object, received ${received}` },
  ]);
}

/** A URL path segment, encoded. */
export const segment = (value: string) => encodeURIComponent(value);
