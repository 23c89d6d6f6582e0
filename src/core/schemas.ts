import * as z from 'zod/mini';
import { TemporalDbError, formatPath, type FieldPath } from './errors.js';
import { toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { issueMessage } from './issue-message.js';
import { MAX_IDENTIFIER_BYTES, MAX_NAME_BYTES, keyStringProblem } from './key-limits.js';
import { toMillis } from './time.js';
import { PATTERN_TYPES, SPEC_STATUSES, SPEC_TYPES } from './types.js';

// zod/mini, the tree-shakable form of zod: a transform reports a problem by pushing it onto ctx.issues.
const instant = z.pipe(
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

/** Any JSON value, `level` objects or arrays deep inside its field (see MAX_JSON_DEPTH). */
export const jsonAt = (level: number) =>
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): JsonValue => {
      const result = toJsonValue(value, [], level);
      if (!result.ok) {
        ctx.issues.push({ code: 'custom', message: result.problem.message, path: [...result.problem.path], input: value });
        return z.NEVER;
      }
      return result.value;
    }),
  );
const jsonValue = jsonAt(0);

const jsonObject = z.pipe(
  z.unknown(),
  z.transform((value, ctx): JsonObject => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      ctx.issues.push({ code: 'custom', message: `expected an object, received ${received}`, input: value });
      return z.NEVER;
    }
    const result = toJsonValue(value);
    if (!result.ok) {
      ctx.issues.push({ code: 'custom', message: result.problem.message, path: [...result.problem.path], input: value });
      return z.NEVER;
    }
    return result.value as JsonObject;
  }),
);

/** A string that becomes part of a key: at most `limit` bytes once encoded (see key-limits.ts). */
export const fitsKey = (limit: number) =>
  z.superRefine((value: string, ctx) => {
    const problem = keyStringProblem(value, limit);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

/** Identifiers take part in key order, so lone surrogates (which have no order in UTF-8) are refused. */
export const identifier = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    fitsKey(MAX_IDENTIFIER_BYTES),
    z.refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
  );

const text = z.string().check(z.minLength(1, 'must not be empty'));
/** A specId, version id or identifier: as long as the longest of them may be. */
const reference = z.string().check(z.minLength(1, 'must not be empty'), fitsKey(MAX_IDENTIFIER_BYTES));
/** A decision point name, an imported record's kind or id, a recommendation id. */
export const keyName = z.string().check(z.minLength(1, 'must not be empty'), fitsKey(MAX_NAME_BYTES));

// Written as checks rather than z.int() and z.uuid(), which would each bring one more zod
// schema class into every browser bundle; the messages are zod's.
/** A whole number in the safe integer range. */
export const int = z.number().check(z.refine(Number.isSafeInteger, { error: 'Invalid input: expected int, received number', abort: true }));
const uuid = z.string().check(
  z.regex(/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/, 'Invalid UUID'),
);
const unitInterval = z.number().check(z.minimum(0), z.maximum(1));

export const specificationInputSchema = z.object({
  specType: z.enum(SPEC_TYPES),
  identifier,
  title: text,
  content: z.string(),
  author: z.optional(z.string()),
  status: z._default(z.enum(SPEC_STATUSES), 'proposed'),
  tags: z._default(z.array(z.string()), []),
  matrixIds: z._default(z.array(z.string()), []),
  templateVariables: z._default(jsonObject, {}),
  metadata: z._default(jsonObject, {}),
  timestamp: z.optional(instant),
});

export const deleteOptionsSchema = z.object({
  author: z.optional(z.string()),
  reason: z.optional(z.string()),
  timestamp: z.optional(instant),
});

export const specificationQuerySchema = z
  .object({
    version: z.optional(int.check(z.minimum(1))),
    asOf: z.optional(instant),
  })
  .check(
    z.refine((value) => value.version === undefined || value.asOf === undefined, {
      message: 'give either version or asOf, not both',
      path: ['asOf'],
    }),
  );

export const listSpecificationsSchema = z.object({
  specType: z.optional(z.enum(SPEC_TYPES)),
  asOf: z.optional(instant),
});

export const patternInputSchema = z.object({
  id: z.optional(uuid),
  patternName: text,
  patternType: z.enum(PATTERN_TYPES),
  patternDefinition: z._default(jsonValue, {}),
  examples: z._default(z.array(jsonAt(1)), []),
  successRate: z.optional(unitInterval),
  contextSimilarity: z.optional(unitInterval),
  usageFrequency: z.optional(int.check(z.minimum(0))),
  lastUsed: z.optional(instant),
  metadata: z._default(jsonObject, {}),
  timestamp: z.optional(instant),
});

export const patternQuerySchema = z.object({ asOf: z.optional(instant) });

export const patternUseSchema = z.object({ timestamp: z.optional(instant) });

export const similarPatternsSchema = z.object({
  context: text,
  similarityThreshold: unitInterval,
  lookbackDays: z.number().check(z.positive()),
});

export const decisionInputSchema = z.object({
  specId: reference,
  decisionPoint: keyName,
  selectedOption: text,
  context: z.string(),
  author: text,
  confidence: z.optional(unitInterval),
  timestamp: z.optional(instant),
});

export const importedRecordSchema = z.object({
  kind: keyName,
  id: keyName,
  timestamp: instant,
  timestampNanos: z.optional(z.string().check(z.regex(/^-?\d+$/, 'must be a whole number of nanoseconds, as a string'))),
  source: z.string(),
  data: jsonValue,
});

export const importedQuerySchema = z.object({ kind: keyName, since: z.optional(instant), until: z.optional(instant) });

export const decisionPointInputSchema = z
  .object({
    specificationId: z.optional(reference),
    identifier: z.optional(identifier),
    decisionPoint: keyName,
    context: z.string(),
    options: z
      .array(
        z.object({
          optionName: text,
          description: z.optional(z.string()),
          pros: z._default(z.array(z.string()), []),
          cons: z._default(z.array(z.string()), []),
          selected: z._default(z.boolean(), false),
          selectionRationale: z.optional(z.string()),
        }),
      )
      .check(z.minLength(1, 'a decision point needs at least one option')),
    allowMultipleSelected: z._default(z.boolean(), false),
    confidence: z.optional(unitInterval),
    author: z.optional(z.string()),
    metadata: z._default(jsonObject, {}),
    timestamp: z.optional(instant),
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.specificationId === undefined && value.identifier === undefined) {
        ctx.addIssue({ code: 'custom', message: 'give specificationId or identifier', path: ['specificationId'] });
      }
      const selected = value.options.filter((o) => o.selected).length;
      if (selected > 1 && !value.allowMultipleSelected) {
        ctx.addIssue({ code: 'custom', message: `${selected} options are selected; at most one may be, unless allowMultipleSelected is true`, path: ['options'] });
      }
      const seen = new Set<string>();
      value.options.forEach((o, i) => {
        if (seen.has(o.optionName)) ctx.addIssue({ code: 'custom', message: `option "${o.optionName}" appears twice`, path: ['options', i, 'optionName'] });
        seen.add(o.optionName);
      });
    }),
  );

export const decisionPointQuerySchema = z
  .object({ specId: z.optional(reference), identifier: z.optional(identifier), decisionPoint: z.optional(keyName), asOf: z.optional(instant) })
  .check(
    z.refine((v) => v.specId !== undefined || v.identifier !== undefined || v.decisionPoint !== undefined, {
      message: 'give specId, identifier or decisionPoint',
      path: ['specId'],
    }),
  );

export const recommendationOptionsSchema = z.object({
  lookbackDays: z._default(z.number().check(z.positive()), 45),
  dryRun: z._default(z.boolean(), false),
  minimumConfidence: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.55),
  maxRecommendations: z._default(int.check(z.minimum(1)), 5),
  retentionDays: z._default(z.number().check(z.positive()), 90),
});

export const feedbackSchema = z.object({
  id: keyName,
  action: z.enum(['accept', 'dismiss']),
  reason: z.optional(z.string()),
});

export const lookbackSchema = z.object({ lookbackDays: z.number().check(z.positive()) });

export const changesQuerySchema = z.object({
  specId: z.optional(reference),
  identifier: z.optional(identifier),
  changeType: z.optional(z.enum(['Create', 'Update', 'Delete', 'Decision'])),
  since: z.optional(instant),
  until: z.optional(instant),
  limit: z.optional(int.check(z.minimum(1))),
  newestFirst: z.optional(z.boolean()),
});

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

