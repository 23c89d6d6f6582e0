/**
 * Every failure temporal-db reports. The codes are stable: match on `code`,
 * never on the message.
 */
export type TemporalDbErrorCode =
  /** An argument failed validation; `path` names the offending field. */
  | 'INVALID_INPUT'
  /** A version's timestamp is earlier than the version before it. */
  | 'OUT_OF_ORDER'
  /** A specification's type differs from the type its identifier already has. */
  | 'SPEC_TYPE_MISMATCH'
  /** The record the call refers to does not exist (or is deleted). */
  | 'NOT_FOUND'
  /** Another writer (tab or process) kept winning the race for the same keys. */
  | 'WRITE_CONFLICT'
  /** The database was closed before or during the call. */
  | 'DATABASE_CLOSED'
  /** The store was written by a newer schema version than this library knows. */
  | 'UNSUPPORTED_SCHEMA'
  /** The browser's storage quota is used up; the write was not applied (free space or ask for more, then retry). */
  | 'QUOTA_EXCEEDED'
  /** The storage engine failed; the engine's error is in `cause`. */
  | 'STORAGE_ERROR'
  /**
   * The database server (PostgreSQL) could not be reached, dropped the
   * connection or cancelled the statement (a statement timeout); the call
   * wrote nothing (unless the message says its COMMIT's outcome is unknown)
   * and the next one reconnects, so it is worth retrying. The driver's error
   * is in `cause`.
   */
  | 'STORAGE_UNAVAILABLE'
  /** An optional package the call needs (lmdb, better-sqlite3) is not installed; the message names the install command. */
  | 'MISSING_DEPENDENCY'
  /** Sync: the sync server could not be reached, answered 5xx or cut the connection; nothing was lost, retry (startSync does, with backoff). */
  | 'SYNC_UNAVAILABLE'
  /** Sync: the server refused the token (401) or the origin (403). */
  | 'SYNC_UNAUTHORIZED'
  /** Sync: the server refused a pushed page (4xx with its own code in the message); the page wrote nothing there. */
  | 'SYNC_REJECTED'
  /** Sync: the server's answer is not the temporal-db sync protocol (another service, another protocol version, a malformed line). */
  | 'SYNC_PROTOCOL';

/** Path of the offending field inside the argument, e.g. `['metadata']` or `['tags', 2]`. */
export type FieldPath = ReadonlyArray<string | number>;

/** One validation problem, as zod reports it. */
export interface InputIssue {
  path: FieldPath;
  message: string;
}

/**
 * The one error class temporal-db throws.
 *
 * @example
 * try {
 *   await db.storeSpecification({ specType: 'XYZ' } as never);
 * } catch (error) {
 *   if (error instanceof TemporalDbError && error.code === 'INVALID_INPUT') {
 *     console.log(error.path, error.issues);
 *   }
 * }
 */
export class TemporalDbError extends Error {
  override readonly name = 'TemporalDbError';
  readonly code: TemporalDbErrorCode;
  /** The first offending field; empty when the error is not about one field. */
  readonly path: FieldPath;
  /** Every validation problem found (only for `INVALID_INPUT`). */
  readonly issues: readonly InputIssue[];

  constructor(
    code: TemporalDbErrorCode,
    message: string,
    options: { path?: FieldPath; issues?: readonly InputIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path ?? options.issues?.[0]?.path ?? [];
    this.issues = options.issues ?? [];
  }
}

/** True when `error` is a {@link TemporalDbError}, optionally with the given code. */
export function isTemporalDbError(
  error: unknown,
  code?: TemporalDbErrorCode,
): error is TemporalDbError {
  return error instanceof TemporalDbError && (code === undefined || error.code === code);
}

export function formatPath(path: FieldPath): string {
  return path.length === 0 ? '(input)' : path.map(String).join('.');
}

/** The same error, with its path (and issue paths) placed under `prefix`: for errors about one item of a batch. */
export function underPath(error: unknown, prefix: FieldPath): unknown {
  if (!(error instanceof TemporalDbError)) return error;
  const moved = new TemporalDbError(error.code, `${error.message} (in item ${formatPath(prefix)})`, {
    path: [...prefix, ...error.path],
    issues: error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })),
    cause: error.cause,
  });
  return moved;
}
