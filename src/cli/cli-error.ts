// How a failure reaches the user: one line on stderr (or one JSON object with
// --json), never a stack trace. Kept free of the store and zod so that
// `--help` and usage errors load nothing heavy.
import { formatPath, type FieldPath, type InputIssue } from '../core/errors.js';

/** Codes only the command line reports; the library's own codes pass through unchanged. */
export type CliErrorCode =
  /** Bad usage: unknown command or option, a missing or extra argument, a bad option value (exit 2). */
  | 'USAGE'
  /** A command that reads a store was pointed at a path that holds none. */
  | 'NO_STORE'
  /** A file or folder the command reads or writes could not be opened, read or written. */
  | 'IO_ERROR'
  /** `create` was given a folder that already holds something. */
  | 'TARGET_NOT_EMPTY'
  /** Anything else: a bug, reported in one line all the same. */
  | 'INTERNAL';

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode | string,
    message: string,
    readonly path: FieldPath = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A usage error: exit 2, with a hint to `--help`. */
export const usageError = (message: string, path: FieldPath = []) => new CliError('USAGE', message, path, 2);

/** A filesystem failure on `file`, in words rather than as a Node error dump. */
export function ioError(error: unknown, action: 'read' | 'write' | 'open', file: string): CliError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    EEXIST: 'it already exists',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
  };
  const reason = (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
  return new CliError('IO_ERROR', `cannot ${action} ${file}: ${reason}${code ? ` (${code})` : ''}`);
}

/** What a failure says, for a person (one line) or a script (`--json`). */
export interface ErrorReport {
  code: string;
  message: string;
  path: Array<string | number>;
  issues?: Array<{ path: Array<string | number>; message: string }>;
}

// Matched by shape, not instanceof: the error may come from another copy of the library.
function isLibraryError(error: unknown): error is Error & { code: string; path: FieldPath; issues: readonly InputIssue[] } {
  return error instanceof Error && error.name === 'TemporalDbError' && typeof (error as { code?: unknown }).code === 'string';
}

export function reportOf(error: unknown): { report: ErrorReport; exitCode: number } {
  if (error instanceof CliError) return { report: { code: error.code, message: error.message, path: [...error.path] }, exitCode: error.exitCode };
  if (isLibraryError(error)) {
    const issues = (error.issues ?? []).map((issue) => ({ path: [...issue.path], message: issue.message }));
    // Every issue in the one line, not "(and 2 more)".
    const message =
      issues.length > 0 ? `invalid input: ${issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ')}` : error.message;
    return { report: { code: error.code, message, path: [...(error.path ?? [])], ...(issues.length > 0 ? { issues } : {}) }, exitCode: 1 };
  }
  const errno = error as NodeJS.ErrnoException | undefined;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    return { report: { code: 'IO_ERROR', message: errno.message, path: [] }, exitCode: 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { report: { code: 'INTERNAL', message: message.split('\n')[0] ?? '', path: [] }, exitCode: 1 };
}

/** The one line (or JSON object) a failure prints on stderr. */
export function formatError(report: ErrorReport, options: { json: boolean; command?: string; exitCode: number }): string {
  if (options.json) return JSON.stringify(report);
  const prefix = options.command ? `temporal-db ${options.command}` : 'temporal-db';
  const message = report.message.replace(/\s*\n\s*/g, ' ');
  if (options.exitCode === 2) return `${prefix}: ${message}; see 'temporal-db ${options.command ? `${options.command} ` : ''}--help'`;
  return `${prefix}: ${message} [${report.code}]`;
}
