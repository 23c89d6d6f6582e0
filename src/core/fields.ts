import * as z from 'zod/mini';
import { TemporalDbError, formatPath, type FieldPath } from './errors.js';
import { issueMessage } from './issue-message.js';
import { toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { MAX_IDENTIFIER_BYTES, MAX_NAME_BYTES, keyStringProblem } from './key-limits.js';
import { toMillis } from './time.js';

// The field schemas the stored records (records.ts) and the API's inputs (schemas.ts) are made of.
// zod/mini, the tree-shakable form of zod: a transform reports a problem by pushing it onto ctx.issues.

/** The issues of a nested parse, pushed onto `ctx` under `path`. */
function pushIssues(ctx: { issues: unknown[] }, issues: ReadonlyArray<{ message: string; path: PropertyKey[] }>, path: PropertyKey[], input: unknown) {
  for (const issue of issues) ctx.issues.push({ code: 'custom', message: issue.message, path: [...path, ...issue.path], input });
}

/** An instant (ms, Date or ISO 8601 string), as integer milliseconds. */
export const instant = z.pipe(
  z.unknown(),
  z.transform((value, ctx) => {
    const ms = toMillis(value);
    if (typeof ms === 'string') {
      ctx.issues.push({ code: 'custom', message: ms, input: value });
      return z.NEVER;
    }
    return ms;
  }),
);

/** A JSON value; `object` also requires a plain object (the `expected an object` message is the API's own). */
const jsonField = (level: number, object: boolean) =>
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): JsonValue => {
      if (object && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
        ctx.issues.push({ code: 'custom', message: `expected an object, received ${received}`, input: value });
        return z.NEVER;
      }
      const result = toJsonValue(value, [], level);
      if (result.ok) return result.value;
      pushIssues(ctx, [result.problem as { message: string; path: PropertyKey[] }], [], value);
      return z.NEVER;
    }),
  );

/** Any JSON value, `level` objects or arrays deep inside its field (see MAX_JSON_DEPTH). */
export const jsonAt = (level: number) => jsonField(level, false) as z.ZodMiniType<JsonValue>;
export const json = jsonAt(0);
/** A JSON object given to the API. */
export const jsonObject = jsonField(0, true) as z.ZodMiniType<JsonObject>;

// In place of z.record, which would bring one more zod schema class into every browser bundle:
// a plain object, copied without `__proto__` keys as z.record does, each value passing `value`.
export function recordOf<T = JsonValue>(value: z.ZodMiniType<T>) {
  return z.pipe(
    z.unknown(),
    z.transform((input, ctx): Record<string, T> => {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        ctx.issues.push({ code: 'invalid_type', expected: 'record', input });
        return z.NEVER;
      }
      const out: Record<string, T> = {};
      for (const [key, item] of Object.entries(input)) {
        if (key === '__proto__') continue;
        const result = value.safeParse(item, { error: issueMessage });
        if (result.success) out[key] = result.data;
        else pushIssues(ctx, result.error.issues, [key], item);
      }
      return out;
    }),
  );
}

/** A JSON object as an export holds it. */
export const storedObject = recordOf(jsonAt(1)) as z.ZodMiniType<JsonObject>;

/** A string that becomes part of a key: at most `limit` bytes once encoded (see key-limits.ts). */
export const fitsKey = (limit: number) =>
  z.superRefine((value: string, ctx) => {
    const problem = keyStringProblem(value, limit);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

const EMPTY = 'must not be empty';

/** Identifiers take part in key order, so lone surrogates (which have no order in UTF-8) are refused. */
export const identifier = z
  .string()
  .check(
    z.minLength(1, EMPTY),
    fitsKey(MAX_IDENTIFIER_BYTES),
    z.refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
  );

/** A string that must not be empty. */
export const text = z.string().check(z.minLength(1, EMPTY));
/** A non-empty string, as an export holds it (zod's own message). */
export const nonEmpty = z.string().check(z.minLength(1));
/** A specId, version id or identifier: as long as the longest of them may be. */
export const reference = z.string().check(z.minLength(1, EMPTY), fitsKey(MAX_IDENTIFIER_BYTES));
/** A decision point name, an imported record's kind or id, a recommendation id. */
export const keyName = z.string().check(z.minLength(1, EMPTY), fitsKey(MAX_NAME_BYTES));

// Written as checks rather than z.int() and z.uuid(), which would each bring one more zod
// schema class into every browser bundle; the messages are zod's.
/** A whole number in the safe integer range. */
export const int = z.number().check(z.refine(Number.isSafeInteger, { error: 'Invalid input: expected int, received number', abort: true }));
export const count = int.check(z.minimum(0));
export const positiveInt = int.check(z.minimum(1));
export const positive = z.number().check(z.positive());
export const uuid = z.string().check(
  z.regex(/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/, 'Invalid UUID'),
);
export const unitInterval = z.number().check(z.minimum(0), z.maximum(1));
export const strings = z.array(z.string());
export const optionalString = z.optional(z.string());

/** Validates `value`, or throws one INVALID_INPUT error listing every problem with its path. */
export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown, basePath: FieldPath = []): z.output<S> {
  const result = schema.safeParse(value, { error: issueMessage });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [...basePath, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
    message: issue.message,
  }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new TemporalDbError('INVALID_INPUT', `Invalid input at ${formatPath(first.path)}: ${first.message}${more}`, {
    issues,
  });
}
