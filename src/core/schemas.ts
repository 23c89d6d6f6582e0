import * as z from 'zod/mini';
import {
  boolean,
  identifier,
  instant,
  jsonAt,
  json,
  jsonObject,
  keyName,
  optionalString,
  positive,
  positiveInt,
  reference,
  strings,
  text,
  unitInterval,
  uuid,
  arrayOf,
  count,
  nanos,
  notEmpty,
  withDefault,
} from './fields.js';
import { changeType, feedbackAction, patternType, specStatus, specType } from './records.js';

// What the API takes: the stored records' fields (records.ts), with defaults, instants in any
// form and the messages a caller reads.

const optionalInstant = z.optional(instant);
const optionalUnit = z.optional(unitInterval);
const defaultStrings = withDefault(strings, () => []);
const defaultObject = withDefault(jsonObject, () => ({}));

export const specificationInputSchema = z.object({
  specType,
  identifier,
  title: text,
  content: z.string(),
  author: optionalString,
  status: withDefault(specStatus, () => 'proposed' as const),
  tags: defaultStrings,
  matrixIds: defaultStrings,
  templateVariables: defaultObject,
  metadata: defaultObject,
  timestamp: optionalInstant,
});

export const deleteOptionsSchema = z.object({ author: optionalString, reason: optionalString, timestamp: optionalInstant });

export const specificationQuerySchema = z.object({ version: z.optional(positiveInt), asOf: optionalInstant }).check(
  z.refine((value) => value.version === undefined || value.asOf === undefined, {
    message: 'give either version or asOf, not both',
    path: ['asOf'],
  }),
);

export const listSpecificationsSchema = z.object({ specType: z.optional(specType), asOf: optionalInstant });

export const patternInputSchema = z.object({
  id: z.optional(uuid),
  patternName: text,
  patternType,
  patternDefinition: withDefault(json, () => ({})),
  examples: withDefault(arrayOf(jsonAt(1)), () => []),
  successRate: optionalUnit,
  contextSimilarity: optionalUnit,
  usageFrequency: z.optional(count),
  lastUsed: optionalInstant,
  metadata: defaultObject,
  timestamp: optionalInstant,
});

/** `{ asOf? }`, `{ timestamp? }`. */
export const asOfSchema = z.object({ asOf: optionalInstant });
export const timestampSchema = z.object({ timestamp: optionalInstant });

export const similarPatternsSchema = z.object({ context: text, similarityThreshold: unitInterval, lookbackDays: positive });

export const decisionInputSchema = z.object({
  specId: reference,
  decisionPoint: keyName,
  selectedOption: text,
  context: z.string(),
  author: text,
  confidence: optionalUnit,
  timestamp: optionalInstant,
});

export const importedRecordSchema = z.object({
  kind: keyName,
  id: keyName,
  timestamp: instant,
  timestampNanos: nanos('must be a whole number of nanoseconds, as a string'),
  source: z.string(),
  data: json,
});

export const importedQuerySchema = z.object({ kind: keyName, since: optionalInstant, until: optionalInstant });

const falseByDefault = withDefault(boolean, () => false);

// The checks across fields (z.check, not z.superRefine: less zod code in every browser bundle), run
// whatever the fields' own issues, so that a call learns of every problem at once.
export const decisionPointInputSchema = z
  .object({
    specificationId: z.optional(reference),
    identifier: z.optional(identifier),
    decisionPoint: keyName,
    context: z.string(),
    options: arrayOf(
        z.object({
          optionName: text,
          description: optionalString,
          pros: defaultStrings,
          cons: defaultStrings,
          selected: falseByDefault,
          selectionRationale: optionalString,
        }),
      )
      .check(notEmpty('a decision point needs at least one option')),
    allowMultipleSelected: falseByDefault,
    confidence: optionalUnit,
    author: optionalString,
    metadata: defaultObject,
    timestamp: optionalInstant,
  })
  .check(
  z.check((ctx) => {
    const value = ctx.value;
    const problem = (message: string, path: PropertyKey[]) => ctx.issues.push({ code: 'custom', message, path, input: value, continue: true });
    if (value.specificationId === undefined && value.identifier === undefined) problem('give specificationId or identifier', ['specificationId']);
    const selected = value.options.filter((o) => o.selected).length;
    if (selected > 1 && !value.allowMultipleSelected) {
      problem(`${selected} options are selected; at most one may be, unless allowMultipleSelected is true`, ['options']);
    }
    const seen = new Set<string>();
    value.options.forEach((o, i) => {
      if (seen.has(o.optionName)) problem(`option "${o.optionName}" appears twice`, ['options', i, 'optionName']);
      seen.add(o.optionName);
    });
  }),
  );

const specRefs = { specId: z.optional(reference), identifier: z.optional(identifier) };

export const decisionPointQuerySchema = z.object({ ...specRefs, decisionPoint: z.optional(keyName), asOf: optionalInstant }).check(
  z.refine((v) => v.specId !== undefined || v.identifier !== undefined || v.decisionPoint !== undefined, {
    message: 'give specId, identifier or decisionPoint',
    path: ['specId'],
  }),
);

export const recommendationOptionsSchema = z.object({
  lookbackDays: withDefault(positive, () => 45),
  dryRun: falseByDefault,
  minimumConfidence: withDefault(unitInterval, () => 0.55),
  maxRecommendations: withDefault(positiveInt, () => 5),
  retentionDays: withDefault(positive, () => 90),
});

export const limitSchema = z.object({ limit: withDefault(positiveInt, () => 10) });

export const feedbackSchema = z.object({ id: keyName, action: feedbackAction, reason: optionalString });

export const lookbackSchema = z.object({ lookbackDays: positive });

export const changesQuerySchema = z.object({
  ...specRefs,
  changeType: z.optional(changeType),
  since: optionalInstant,
  until: optionalInstant,
  limit: z.optional(positiveInt),
  newestFirst: z.optional(boolean),
});

export const bulkSchema = arrayOf(z.unknown());
