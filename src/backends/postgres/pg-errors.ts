import { TemporalDbError } from '../../core/errors.js';

// SQLSTATEs of a connection that cannot be used: connection exceptions (class 08), a backend
// terminated by an administrator or a crash, a server starting or shutting down, too many connections.
const LOST_STATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
// A statement cancelled (statement_timeout, pg_cancel_backend): the connection stays usable.
const CANCELLED = '57014';
// What Node's socket reports when there is no server to talk to, or it went away.
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOENT']);
// pg's own errors for a connection that ended or could not be made in time.
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Query read timeout/i;

/** True when `error` says the connection could not be made or is gone (rather than the server refusing what was asked). */
export function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (LOST_STATES.has(code) || UNAVAILABLE_SOCKET.has(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionLoss);
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** A lost connection, or a statement the server cancelled: what a caller may retry. */
export function isUnavailable(error: unknown): boolean {
  return isConnectionLoss(error) || (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === CANCELLED);
}

/**
 * A PostgreSQL failure as a TemporalDbError: `STORAGE_UNAVAILABLE` when the
 * server could not be reached, dropped the connection or cancelled the
 * statement (worth retrying), `WRITE_CONFLICT` for a unique violation,
 * `STORAGE_ERROR` otherwise; the pg error is in `cause`.
 *
 * @example
 * throw codedPgError(error, 'commit');
 */
export function codedPgError(error: unknown, what: string): TemporalDbError {
  if (error instanceof TemporalDbError) return error;
  const detail = error instanceof Error ? error.message || String(error) : String(error);
  const state = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (isUnavailable(error)) {
    return new TemporalDbError('STORAGE_UNAVAILABLE', `PostgreSQL could not answer (${what}): ${detail}${state ? ` [${String(state)}]` : ''}`, { cause: error });
  }
  if (state === '23505') return new TemporalDbError('WRITE_CONFLICT', `PostgreSQL refused a duplicate key (${what}): ${detail}`, { cause: error });
  return new TemporalDbError('STORAGE_ERROR', `PostgreSQL failed (${what}): ${detail}${state ? ` [${String(state)}]` : ''}`, { cause: error });
}
