import * as z from 'zod/mini';
import type { JsonValue } from './json.js';
import { arrayOf, boolean, oneOf, count, int, nanos, identifier, json, jsonAt, keyName, nonEmpty, optionalString, positiveInt, recordOf, storedObject, strings, unitInterval } from './fields.js';

// Every stored record, described once: the schema an import checks it against, and (z.output) the
// type the API returns. The API's input schemas (schemas.ts) reuse these fields.

/** Kinds of specification the store keeps. */
export const SPEC_TYPES = ['ADR', 'PRD', 'SDS', 'TS'] as const;
export type SpecType = (typeof SPEC_TYPES)[number];

export const SPEC_STATUSES = ['proposed', 'accepted', 'rejected', 'deprecated', 'superseded'] as const;
export type SpecStatus = (typeof SPEC_STATUSES)[number];

export const PATTERN_TYPES = ['Domain', 'Application', 'Infrastructure', 'Interface'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

/** `Conflict`: two replicas each wrote a version of the same number (see `getConflicts`). */
export const CHANGE_TYPES = ['Create', 'Update', 'Delete', 'Decision', 'Conflict'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const specType = oneOf(SPEC_TYPES);
export const specStatus = oneOf(SPEC_STATUSES);
export const patternType = oneOf(PATTERN_TYPES);
export const changeType = oneOf(CHANGE_TYPES);
export const feedbackAction = oneOf(['accept', 'dismiss']);
const stamp = int;
const optionalUnit = z.optional(unitInterval);

// Fields in the order an export writes them.

export const specificationRecord = z.strictObject({
  /** This version's id (uuid v7). */
  id: keyName,
  /** The specification's id, the same for all of its versions (uuid v7). */
  specId: keyName,
  specType,
  identifier,
  /** 1 for the first version, then +1 for every later version or deletion. */
  version: positiveInt,
  title: z.string(),
  content: z.string(),
  author: optionalString,
  status: specStatus,
  tags: strings,
  matrixIds: strings,
  templateVariables: storedObject,
  metadata: storedObject,
  /** SHA-256 of `content`, lowercase hex. */
  hash: z.string(),
  /** When this version became true (valid time), ms since epoch. */
  timestamp: stamp,
  /** When this version was written to the store (transaction time), ms since epoch. */
  recordedAt: stamp,
});
/** One stored version of a specification. */
export type Specification = z.output<typeof specificationRecord>;

/** The version a deletion adds. */
export const tombstoneRecord = z.strictObject({
  id: keyName,
  specId: keyName,
  specType,
  identifier,
  version: positiveInt,
  // Not z.literal(true): one zod schema class less in every browser bundle; the message is zod's.
  deleted: z.unknown().check(z.refine((value) => value === true, 'Invalid input: expected true')),
  author: optionalString,
  reason: optionalString,
  timestamp: stamp,
  recordedAt: stamp,
});
export type Tombstone = Omit<z.output<typeof tombstoneRecord>, 'deleted'> & { deleted: true };

export const patternRecord = z.strictObject({
  /** The pattern's id, the same for all of its versions (uuid v7). */
  id: keyName,
  version: positiveInt,
  patternName: nonEmpty,
  patternType,
  patternDefinition: json,
  examples: arrayOf(jsonAt(1)),
  /** Share of uses that worked out, 0..1; absent when unknown (the original's NULL). */
  successRate: optionalUnit,
  /** Similarity last computed for this pattern by the original system, 0..1; absent when never computed. */
  contextSimilarity: optionalUnit,
  /** How many times the pattern was used (`recordPatternUse`). */
  usageFrequency: count,
  /** When the pattern was last used, ms since epoch. */
  lastUsed: z.optional(stamp),
  metadata: storedObject,
  /** When this version became true, ms since epoch. */
  timestamp: stamp,
  /** When version 1 became true, ms since epoch. */
  createdAt: stamp,
  recordedAt: stamp,
});
/** One stored version of an architectural pattern. */
export type ArchitecturalPattern = z.output<typeof patternRecord>;

const fieldChange = z.object({ oldValue: z.optional(json), newValue: z.optional(json) });
/** Old and new value of one field in an `Update` change. */
export type FieldChange = z.output<typeof fieldChange>;

const decisionDetails = z.object({
  decisionPoint: keyName,
  selectedOption: nonEmpty,
  context: z.string(),
  /** 0..1; absent when none was given (the original's NULL). */
  confidence: optionalUnit,
});
/** The decision carried by a `Decision` change. */
export type DecisionDetails = z.output<typeof decisionDetails>;

export const changeRecord = z.strictObject({
  id: keyName,
  changeType,
  specId: keyName,
  identifier: nonEmpty,
  specType,
  /** The version this change created or deleted; for a decision, the version current when it was taken. */
  version: count,
  /** For `Update`: every field that differs from the previous version. */
  fieldChanges: recordOf(fieldChange),
  author: optionalString,
  reason: optionalString,
  decision: z.optional(decisionDetails),
  timestamp: stamp,
  recordedAt: stamp,
});
/** One entry of the time-series change log. */
export type ChangeRecord = z.output<typeof changeRecord>;

export const importedRecord = z.strictObject({
  /** What it is, e.g. `prompt_analysis` or `legacy_change`. */
  kind: keyName,
  id: keyName,
  /** ms since epoch */
  timestamp: stamp,
  /** The original nanosecond timestamp, exactly, when the source had one. */
  timestampNanos: nanos(),
  /** Where it came from (a file name, a legacy key). */
  source: z.string(),
  data: json,
});
/** A record of a kind temporal-db does not model, kept as it came from an import. */
export type ImportedRecord = z.output<typeof importedRecord>;

const decisionOption = z.strictObject({
  optionName: nonEmpty,
  description: optionalString,
  pros: strings,
  cons: strings,
  selected: boolean,
  selectionRationale: optionalString,
});
/** One option of a decision point. */
export type DecisionOption = z.output<typeof decisionOption>;

export const decisionPointRecord = z.strictObject({
  id: keyName,
  specId: keyName,
  identifier: nonEmpty,
  specType,
  decisionPoint: keyName,
  context: z.string(),
  options: arrayOf(decisionOption),
  metadata: storedObject,
  author: optionalString,
  timestamp: stamp,
  recordedAt: stamp,
});
/** A decision point of a specification, with its options (the original's `DecisionPoint`). */
export type DecisionPointRecord = z.output<typeof decisionPointRecord>;

const feedbackRecord = z.strictObject({ action: feedbackAction, reason: optionalString, at: stamp });
/** Accept or dismiss, with why and when. */
export type RecommendationFeedback = z.output<typeof feedbackRecord>;

export const recommendationRecord = z.strictObject({
  id: keyName,
  patternName: nonEmpty,
  /** The stored pattern recommended, when there is one (else the name is inferred from the decision point). */
  patternId: optionalString,
  decisionPoint: nonEmpty,
  /** selected (confidence > 0.7) / total decisions at the point, clamped to [0.1, 0.98]. */
  confidence: unitInterval,
  /** The spec type most of the decisions were about. */
  provenance: specType,
  rationale: z.string(),
  metadata: storedObject,
  createdAt: stamp,
  expiresAt: stamp,
  feedback: arrayOf(feedbackRecord),
});
/** A pattern recommended for a decision point, from the decision history. */
export type PatternRecommendation = Omit<z.output<typeof recommendationRecord>, 'metadata'> & {
  metadata: { totalDecisions: number; selectedCount: number; topContexts: string[]; tags: string[]; [key: string]: JsonValue };
};
