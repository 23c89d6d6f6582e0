// How a failure reaches an HTTP client: a status and `{ error: { code, message, path?, issues? } }`.
// The library's codes pass through unchanged; a storage failure or a bug says only that it happened.
import { formatPath, type FieldPath, type InputIssue } from '../core/errors.js';

/** Codes only the service reports; the library's own codes pass through unchanged. */
export type ServerErrorCode =
  /** No bearer token, or the wrong one (401). */
  | 'UNAUTHORIZED'
  /** A browser origin, or a Host header, the service does not accept (403). */
  | 'FORBIDDEN'
  /** No route has this path (404 uses the library's `NOT_FOUND`); the path exists for other methods (405). */
  | 'METHOD_NOT_ALLOWED'
  /** The request body is over the size limit (413). */
  | 'PAYLOAD_TOO_LARGE'
  /** A body sent without the content type the route takes (415). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The service is shutting down (503); retry on another connection. */
  | 'SHUTTING_DOWN'
  /** Anything else: a bug, reported without its details (500). */
  | 'INTERNAL';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; path?: Array<string | number>; issues?: Array<{ path: Array<string | number>; message: string }> };
}

/** An error with its HTTP status, thrown by the service's own checks. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: FieldPath = [],
    readonly issues: readonly InputIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  OUT_OF_ORDER: 409,
  WRITE_CONFLICT: 409,
  SPEC_TYPE_MISMATCH: 409,
  DATABASE_CLOSED: 503,
  UNSUPPORTED_SCHEMA: 500,
  MISSING_DEPENDENCY: 500,
  STORAGE_ERROR: 500,
};

// What a 500 says: the engine's message could name files or hold stored content.
const HIDDEN: Record<string, string> = {
  STORAGE_ERROR: 'The storage engine failed; the request may be retried',
  MISSING_DEPENDENCY: 'The service cannot open its store (a dependency is missing)',
  UNSUPPORTED_SCHEMA: 'The store was written by a newer temporal-db than this service runs',
};

// Matched by shape, not instanceof: the store may come from another copy of the library.
function isLibraryError(error: unknown): error is Error & { code: string; path?: FieldPath; issues?: readonly InputIssue[] } {
  return error instanceof Error && error.name === 'TemporalDbError' && typeof (error as { code?: unknown }).code === 'string';
}

/** The status, headers and body a thrown value becomes. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isLibraryError(error)) {
    const status = STATUS[error.code] ?? 500;
    return new HttpError(status, error.code, HIDDEN[error.code] ?? error.message, error.path ?? [], error.issues ?? []);
  }
  return new HttpError(500, 'INTERNAL', 'Internal error');
}

export function errorBody(error: HttpError): ErrorBody {
  const withPath = error.path.length > 0 || error.code === 'INVALID_INPUT';
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(withPath ? { path: [...error.path] } : {}),
      ...(error.issues.length > 0 ? { issues: error.issues.map((issue) => ({ path: [...issue.path], message: issue.message })) } : {}),
    },
  };
}

/**
 * The same error with its paths moved: a leading `strip` segment (the
 * library's name for the argument, `options` or `query`) dropped, then
 * `prefix` put in front, so that a path names what the client sent (`['query',
 * 'asOf']` for `?asOf=`, `['lookbackDays']` for a body field). Paths that start
 * with a segment in `keep` name a URL part (`identifier`) and stay as they are.
 */
export function rebasePaths(error: unknown, strip: readonly string[], prefix: FieldPath, keep: readonly string[] = []): unknown {
  if (!isLibraryError(error)) return error;
  const move = (path: FieldPath): FieldPath => {
    if (path.length > 0 && keep.includes(String(path[0]))) return path;
    const rest = path.length > 0 && strip.includes(String(path[0])) ? path.slice(1) : path;
    return [...prefix, ...rest];
  };
  const path = move(error.path ?? []);
  const issues = (error.issues ?? []).map((issue) => ({ ...issue, path: move(issue.path) }));
  // The library's message names its own argument's path; say the one the client sent.
  const first = issues[0];
  const message = first
    ? `Invalid input at ${formatPath(first.path)}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
    : (HIDDEN[error.code] ?? error.message);
  return new HttpError(STATUS[error.code] ?? 500, error.code, message, error.code === 'INVALID_INPUT' || (error.path ?? []).length > 0 ? path : [], issues);
}
