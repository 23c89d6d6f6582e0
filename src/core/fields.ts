import * as z from 'zod/mini';
import { TemporalDbError, formatPath, type FieldPath } from './errors.js';
import { issueMessage } from './issue-message.js';
import { toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { MAX_IDENTIFIER_BYTES, MAX_NAME_BYTES, keyStringProblem } from './key-limits.js';
import { toMillis } from './time.js';
import { ITEMS } from './field-order.js';

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

// In place of z.array and z.record, which would each bring one more zod schema class into every
// browser bundle: each item (or value of a plain object, copied without `__proto__` keys as
// z.record does) passes `value`, its issues under its index (or key), with zod's messages.
function collection<T, Out extends T[] | Record<string, T>>(value: z.ZodMiniType<T>, list: boolean) {
  const schema = z.pipe(
    z.unknown(),
    z.transform((input, ctx): Out => {
      if (list ? !Array.isArray(input) : typeof input !== 'object' || input === null || Array.isArray(input)) {
        ctx.issues.push({ code: 'invalid_type', expected: list ? 'array' : 'record', input });
        return z.NEVER;
      }
      const out = (list ? [] : {}) as Record<string | number, T>;
      for (const [key, item] of list ? Array.from(input as unknown[], (item, i) => [i, item] as const) : Object.entries(input as object)) {
        if (key === '__proto__') continue;
        const result = value.safeParse(item, { error: issueMessage });
        if (result.success) out[key] = result.data;
        else pushIssues(ctx, result.error.issues, [key], item);
      }
      return out as Out;
    }),
  );
  ITEMS.set(schema, value);
  return schema;
}

/** A boolean, in place of z.boolean (one zod schema class less), with zod's issue and message. */
export const boolean = z.pipe(
  z.unknown(),
  z.transform((input, ctx): boolean => {
    if (typeof input === 'boolean') return input;
    ctx.issues.push({ code: 'invalid_type', expected: 'boolean', input });
    return z.NEVER;
  }),
);

/** One of `values`, in place of z.enum (one zod schema class less), with zod's issue and message. */
export const oneOf = <const T extends readonly string[]>(values: T) =>
  z.pipe(
    z.unknown(),
    z.transform((input, ctx): T[number] => {
      if (values.includes(input as string)) return input as T[number];
      ctx.issues.push({ code: 'invalid_value', values: [...values], input });
      return z.NEVER;
    }),
  );

/** An array of `item`s. */
export const arrayOf = <T>(item: z.ZodMiniType<T>) => collection<T, T[]>(item, true);
/** A plain object whose values are `value`s. */
export const recordOf = <T>(value: z.ZodMiniType<T>) => collection<T, Record<string, T>>(value, false);

/** A JSON object as an export holds it. */
export const storedObject = recordOf(jsonAt(1)) as z.ZodMiniType<JsonObject>;

// Every check below is a refine with a message: z.minLength, z.regex, z.superRefine, z.int,
// z.uuid or z.literal would each bring one more zod class into every browser bundle. Where zod
// has a message of its own for the check, the message is zod's.

/** A check that `valid` holds, else an issue with `message`. */
export const holds = <T>(valid: (value: T) => boolean, message: string) => z.refine<T>(valid, message);

/** A string that becomes part of a key: at most `limit` bytes once encoded (see key-limits.ts). */
export const fitsKey = (limit: number) =>
  z.refine<string>((value) => keyStringProblem(value, limit) === undefined, { error: (issue) => keyStringProblem(issue.input as string, limit) });

const EMPTY = 'must not be empty';
/** At least one character or item. */
export const notEmpty = (message = EMPTY) => holds((value: { length: number }) => value.length > 0, message);
/** `pattern`, with zod's message for it unless one is given. */
export const matches = (pattern: RegExp, message = `Invalid string: must match pattern ${pattern}`) => holds((value: string) => pattern.test(value), message);

/**
 * `schema`, or `make()` when the value is undefined (as z._default, which
 * gives a fresh copy of its default to every parse).
 */
export const withDefault = <S extends z.ZodMiniType>(schema: S, make: () => z.output<S>) =>
  z.pipe(
    z.optional(schema),
    z.transform((value) => (value === undefined ? make() : value) as z.output<S>),
  );

/** Identifiers take part in key order, so lone surrogates (which have no order in UTF-8) are refused. */
export const identifier = z
  .string()
  .check(
    notEmpty(),
    fitsKey(MAX_IDENTIFIER_BYTES),
    holds((value: string) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
  );

/** A string that must not be empty. */
export const text = z.string().check(notEmpty());
/** A non-empty string, as an export holds it (zod's own message). */
export const nonEmpty = z.string().check(notEmpty('Too small: expected string to have >=1 characters'));
/** A specId, version id or identifier: as long as the longest of them may be. */
export const reference = z.string().check(notEmpty(), fitsKey(MAX_IDENTIFIER_BYTES));
/** A decision point name, an imported record's kind or id, a recommendation id. */
export const keyName = z.string().check(notEmpty(), fitsKey(MAX_NAME_BYTES));

/** A finite number, in place of z.number (one zod schema class less), with zod's issue and message. */
export const number = z.pipe(
  z.unknown(),
  z.transform((input, ctx): number => {
    if (typeof input === 'number' && Number.isFinite(input)) return input;
    ctx.issues.push({ code: 'invalid_type', expected: 'number', input });
    return z.NEVER;
  }),
);

/** A whole number in the safe integer range. */
export const int = number.check(z.refine(Number.isSafeInteger, { error: 'Invalid input: expected int, received number', abort: true }));
// Bounds as refines with zod's messages, in place of z.minimum, z.maximum and z.positive
// (two zod check classes less in every browser bundle).
const atLeast = (bound: number) => holds((value: number) => value >= bound, `Too small: expected number to be >=${bound}`);
const atMost = (bound: number) => holds((value: number) => value <= bound, `Too big: expected number to be <=${bound}`);
export const count = int.check(atLeast(0));
export const positiveInt = int.check(atLeast(1));
export const positive = number.check(holds((value: number) => value > 0, 'Too small: expected number to be >0'));
export const uuid = z.string().check(
  matches(/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/, 'Invalid UUID'),
);
/** The original nanosecond timestamp of an imported record. */
export const nanos = (message?: string) => z.optional(z.string().check(matches(/^-?\d+$/, message)));
export const unitInterval = number.check(atLeast(0), atMost(1));
export const strings = arrayOf(z.string());
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
