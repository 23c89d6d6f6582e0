import { z } from 'zod';
import { TemporalDbError, formatPath, type FieldPath } from './errors.js';
import { toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { toMillis } from './time.js';
import { PATTERN_TYPES, SPEC_STATUSES, SPEC_TYPES } from './types.js';

const instant = z.unknown().transform((value, ctx) => {
  const ms = toMillis(value);
  if (typeof ms === 'string') {
    ctx.addIssue({ code: 'custom', message: ms });
    return z.NEVER;
  }
  return ms;
});

const jsonValue = z.unknown().transform((value, ctx): JsonValue => {
  const result = toJsonValue(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.problem.message, path: [...result.problem.path] });
    return z.NEVER;
  }
  return result.value;
});

const jsonObject = z.unknown().transform((value, ctx): JsonObject => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    ctx.addIssue({ code: 'custom', message: `expected an object, received ${received}` });
    return z.NEVER;
  }
  const result = toJsonValue(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.problem.message, path: [...result.problem.path] });
    return z.NEVER;
  }
  return result.value as JsonObject;
});

/** Identifiers take part in key order, so lone surrogates (which have no order in UTF-8) are refused. */
const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');

const text = z.string().min(1, 'must not be empty');
const unitInterval = z.number().min(0).max(1);

export const specificationInputSchema = z.object({
  specType: z.enum(SPEC_TYPES),
  identifier,
  title: text,
  content: z.string(),
  author: z.string().optional(),
  status: z.enum(SPEC_STATUSES).default('proposed'),
  tags: z.array(z.string()).default([]),
  matrixIds: z.array(z.string()).default([]),
  templateVariables: jsonObject.default({}),
  metadata: jsonObject.default({}),
  timestamp: instant.optional(),
});

export const deleteOptionsSchema = z.object({
  author: z.string().optional(),
  reason: z.string().optional(),
  timestamp: instant.optional(),
});

export const specificationQuerySchema = z
  .object({
    version: z.number().int().min(1).optional(),
    asOf: instant.optional(),
  })
  .refine((value) => value.version === undefined || value.asOf === undefined, {
    message: 'give either version or asOf, not both',
    path: ['asOf'],
  });

export const listSpecificationsSchema = z.object({
  specType: z.enum(SPEC_TYPES).optional(),
  asOf: instant.optional(),
});

export const patternInputSchema = z.object({
  id: z.uuid().optional(),
  patternName: text,
  patternType: z.enum(PATTERN_TYPES),
  patternDefinition: jsonValue.default({}),
  examples: z.array(jsonValue).default([]),
  successRate: unitInterval.optional(),
  contextSimilarity: unitInterval.optional(),
  usageFrequency: z.number().int().min(0).optional(),
  lastUsed: instant.optional(),
  metadata: jsonObject.default({}),
  timestamp: instant.optional(),
});

export const patternQuerySchema = z.object({ asOf: instant.optional() });

export const patternUseSchema = z.object({ timestamp: instant.optional() });

export const similarPatternsSchema = z.object({
  context: text,
  similarityThreshold: unitInterval,
  lookbackDays: z.number().positive(),
});

export const decisionInputSchema = z.object({
  specId: text,
  decisionPoint: text,
  selectedOption: text,
  context: z.string(),
  author: text,
  confidence: unitInterval.optional(),
  timestamp: instant.optional(),
});

export const importedRecordSchema = z.object({
  kind: text,
  id: text,
  timestamp: instant,
  timestampNanos: z.string().regex(/^-?\d+$/, 'must be a whole number of nanoseconds, as a string').optional(),
  source: z.string(),
  data: jsonValue,
});

export const importedQuerySchema = z.object({ kind: text, since: instant.optional(), until: instant.optional() });

export const decisionPointInputSchema = z
  .object({
    specificationId: text.optional(),
    identifier: identifier.optional(),
    decisionPoint: text,
    context: z.string(),
    options: z
      .array(
        z.object({
          optionName: text,
          description: z.string().optional(),
          pros: z.array(z.string()).default([]),
          cons: z.array(z.string()).default([]),
          selected: z.boolean().default(false),
          selectionRationale: z.string().optional(),
        }),
      )
      .min(1, 'a decision point needs at least one option'),
    allowMultipleSelected: z.boolean().default(false),
    confidence: unitInterval.optional(),
    author: z.string().optional(),
    metadata: jsonObject.default({}),
    timestamp: instant.optional(),
  })
  .superRefine((value, ctx) => {
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
  });

export const decisionPointQuerySchema = z
  .object({ specId: text.optional(), identifier: identifier.optional(), decisionPoint: text.optional(), asOf: instant.optional() })
  .refine((v) => v.specId !== undefined || v.identifier !== undefined || v.decisionPoint !== undefined, {
    message: 'give specId, identifier or decisionPoint',
    path: ['specId'],
  });

export const recommendationOptionsSchema = z.object({
  lookbackDays: z.number().positive().default(45),
  dryRun: z.boolean().default(false),
  minimumConfidence: z.number().min(0).max(1).default(0.55),
  maxRecommendations: z.number().int().min(1).default(5),
  retentionDays: z.number().positive().default(90),
});

export const feedbackSchema = z.object({
  id: text,
  action: z.enum(['accept', 'dismiss']),
  reason: z.string().optional(),
});

export const lookbackSchema = z.object({ lookbackDays: z.number().positive() });

export const changesQuerySchema = z.object({
  specId: text.optional(),
  identifier: identifier.optional(),
  changeType: z.enum(['Create', 'Update', 'Delete', 'Decision']).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: z.number().int().min(1).optional(),
  newestFirst: z.boolean().optional(),
});

/** Validates `value`, or throws one INVALID_INPUT error listing every problem with its path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, basePath: FieldPath = []): z.output<S> {
  const result = schema.safeParse(value);
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

