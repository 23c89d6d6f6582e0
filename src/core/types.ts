import type { JsonObject, JsonValue } from './json.js';

export type { JsonObject, JsonValue };

/** Kinds of specification the store keeps. */
export const SPEC_TYPES = ['ADR', 'PRD', 'SDS', 'TS'] as const;
export type SpecType = (typeof SPEC_TYPES)[number];

export const SPEC_STATUSES = ['proposed', 'accepted', 'rejected', 'deprecated', 'superseded'] as const;
export type SpecStatus = (typeof SPEC_STATUSES)[number];

export const PATTERN_TYPES = ['Domain', 'Application', 'Infrastructure', 'Interface'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export const CHANGE_TYPES = ['Create', 'Update', 'Delete', 'Decision'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * An instant: milliseconds since the Unix epoch (an integer), a `Date`, or an
 * ISO 8601 string. Stored and returned as milliseconds.
 */
export type Instant = number | Date | string;

/** One stored version of a specification. */
export interface Specification {
  /** This version's id (uuid v7). */
  id: string;
  /** The specification's id, the same for all of its versions (uuid v7). */
  specId: string;
  specType: SpecType;
  identifier: string;
  /** 1 for the first version, then +1 for every later version or deletion. */
  version: number;
  title: string;
  content: string;
  author?: string;
  status: SpecStatus;
  tags: string[];
  matrixIds: string[];
  templateVariables: JsonObject;
  metadata: JsonObject;
  /** SHA-256 of `content`, lowercase hex. */
  hash: string;
  /** When this version became true (valid time), ms since epoch. */
  timestamp: number;
  /** When this version was written to the store (transaction time), ms since epoch. */
  recordedAt: number;
}

/** Old and new value of one field in an `Update` change. */
export interface FieldChange {
  oldValue?: JsonValue;
  newValue?: JsonValue;
}

/** The decision carried by a `Decision` change. */
export interface DecisionDetails {
  decisionPoint: string;
  selectedOption: string;
  context: string;
  /** 0..1; absent when none was given (the original's NULL). */
  confidence?: number;
}

/** One entry of the time-series change log. */
export interface ChangeRecord {
  id: string;
  changeType: ChangeType;
  specId: string;
  identifier: string;
  specType: SpecType;
  /** The version this change created or deleted; for a decision, the version current when it was taken. */
  version: number;
  /** For `Update`: every field that differs from the previous version. */
  fieldChanges: Record<string, FieldChange>;
  author?: string;
  reason?: string;
  decision?: DecisionDetails;
  timestamp: number;
  recordedAt: number;
}

/** One stored version of an architectural pattern. */
export interface ArchitecturalPattern {
  /** The pattern's id, the same for all of its versions (uuid v7). */
  id: string;
  version: number;
  patternName: string;
  patternType: PatternType;
  patternDefinition: JsonValue;
  examples: JsonValue[];
  /** Share of uses that worked out, 0..1; absent when unknown (the original's NULL). */
  successRate?: number;
  /** Similarity last computed for this pattern by the original system, 0..1; absent when never computed. */
  contextSimilarity?: number;
  /** How many times the pattern was used (`recordPatternUse`). */
  usageFrequency: number;
  /** When the pattern was last used, ms since epoch. */
  lastUsed?: number;
  metadata: JsonObject;
  /** When this version became true, ms since epoch. */
  timestamp: number;
  /** When version 1 became true, ms since epoch. */
  createdAt: number;
  recordedAt: number;
}

/** A pattern found by `getSimilarPatterns`, with its TF-IDF cosine similarity (0..1). */
export interface SimilarPattern {
  pattern: ArchitecturalPattern;
  score: number;
}

/** One entry of `analyzeDecisionPatterns`: the decisions taken at one decision point. */
export interface DecisionPatternAnalysis {
  decisionPoint: string;
  /** The spec type most of these decisions were about. */
  specType: SpecType;
  totalDecisions: number;
  /** Decisions taken with confidence above 0.7 (one without a confidence never counts). */
  selectedCount: number;
  /** Distinct contexts, most recent first. */
  contexts: string[];
  /** How many times each option was selected. */
  options: Record<string, number>;
  firstDecisionAt: number;
  lastDecisionAt: number;
}

/** What `storeSpecification` takes: the full state of the new version. */
export interface SpecificationInput {
  specType: SpecType;
  identifier: string;
  title: string;
  content: string;
  author?: string;
  /** Defaults to `proposed`. */
  status?: SpecStatus;
  tags?: string[];
  matrixIds?: string[];
  templateVariables?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** When this version became true; defaults to now (never earlier than the previous version). */
  timestamp?: Instant;
}

/** What `deleteSpecification` takes. */
export interface DeleteOptions {
  author?: string;
  reason?: string;
  timestamp?: Instant;
}

/** Which version `getSpecification` returns: a version number, or the one current at an instant. */
export type SpecificationQuery = { version: number; asOf?: undefined } | { asOf: Instant; version?: undefined };

export interface ListSpecificationsOptions {
  specType?: SpecType;
  asOf?: Instant;
}

/** What `storeArchitecturalPattern` takes; with the `id` of an existing pattern it stores a new version. */
export interface PatternInput {
  id?: string;
  patternName: string;
  patternType: PatternType;
  patternDefinition?: unknown;
  examples?: unknown[];
  /** 0..1; left absent when omitted (not copied from the previous version). */
  successRate?: number;
  /** Kept from the previous version when omitted. */
  contextSimilarity?: number;
  /** Kept from the previous version when omitted. */
  usageFrequency?: number;
  /** Kept from the previous version when omitted. */
  lastUsed?: Instant;
  metadata?: Record<string, unknown>;
  timestamp?: Instant;
}

/**
 * What `recordDecision` takes. `specId` names the specification: its
 * `specId`, the `id` of one of its versions, or its identifier (`ADR-001`),
 * tried in that order.
 */
export interface DecisionInput {
  specId: string;
  decisionPoint: string;
  selectedOption: string;
  context: string;
  author: string;
  /** 0..1; stays absent when omitted (counted, never selected, in analyses). */
  confidence?: number;
  timestamp?: Instant;
}

/** Filters of `getChanges`; `since` and `until` are inclusive. */
export interface ChangesQuery {
  /** A specification's `specId`, the `id` of one of its versions, or its identifier, tried in that order. */
  specId?: string;
  /** A specification's identifier (only); with `specId` too, both must name the same specification. */
  identifier?: string;
  changeType?: ChangeType;
  since?: Instant;
  until?: Instant;
  limit?: number;
  /** Newest first instead of oldest first (with `limit`: the last changes). */
  newestFirst?: boolean;
}

/** A record of a kind temporal-db does not model, kept as it came from an import. */
export interface ImportedRecord {
  /** What it is, e.g. `prompt_analysis` or `legacy_change`. */
  kind: string;
  id: string;
  /** ms since epoch */
  timestamp: number;
  /** The original nanosecond timestamp, exactly, when the source had one. */
  timestampNanos?: string;
  /** Where it came from (a file name, a legacy key). */
  source: string;
  data: JsonValue;
}

/** One option of a decision point. */
export interface DecisionOption {
  optionName: string;
  description?: string;
  pros: string[];
  cons: string[];
  selected: boolean;
  selectionRationale?: string;
}

/** A decision point of a specification, with its options (the original's `DecisionPoint`). */
export interface DecisionPointRecord {
  id: string;
  specId: string;
  identifier: string;
  specType: SpecType;
  decisionPoint: string;
  context: string;
  options: DecisionOption[];
  metadata: JsonObject;
  author?: string;
  timestamp: number;
  recordedAt: number;
}

/**
 * What `storeDecisionPoint` takes: the specification by `specificationId`
 * (a specId, version id or identifier, tried in that order) or `identifier`.
 */
export interface DecisionPointInput {
  specificationId?: string;
  identifier?: string;
  decisionPoint: string;
  context: string;
  options: Array<{
    optionName: string;
    description?: string;
    pros?: string[];
    cons?: string[];
    selected?: boolean;
    selectionRationale?: string;
  }>;
  /** More than one option may be selected (refused otherwise). */
  allowMultipleSelected?: boolean;
  /** Confidence of the Decision changes recorded for the selected options; absent from them when omitted. */
  confidence?: number;
  author?: string;
  metadata?: Record<string, unknown>;
  timestamp?: Instant;
}

/** Accept or dismiss, with why and when. */
export interface RecommendationFeedback {
  action: 'accept' | 'dismiss';
  reason?: string;
  at: number;
}

/** A pattern recommended for a decision point, from the decision history. */
export interface PatternRecommendation {
  id: string;
  patternName: string;
  /** The stored pattern recommended, when there is one (else the name is inferred from the decision point). */
  patternId?: string;
  decisionPoint: string;
  /** selected (confidence > 0.7) / total decisions at the point, clamped to [0.1, 0.98]. */
  confidence: number;
  /** The spec type most of the decisions were about. */
  provenance: SpecType;
  rationale: string;
  metadata: { totalDecisions: number; selectedCount: number; topContexts: string[]; tags: string[]; [key: string]: JsonValue };
  createdAt: number;
  expiresAt: number;
  feedback: RecommendationFeedback[];
}

/** What `getDecisionPoints` takes: a specification, a decision point name, or both. */
export interface DecisionPointQuery {
  /** A specification's `specId`, the `id` of one of its versions, or its identifier, tried in that order. */
  specId?: string;
  /** A specification's identifier (only). */
  identifier?: string;
  decisionPoint?: string;
  asOf?: Instant;
}

export interface GenerateRecommendationsOptions {
  /** Days of decisions to learn from (default 45). */
  lookbackDays?: number;
  /** Compute without writing anything (default false). */
  dryRun?: boolean;
  /** Skip points below this confidence (default 0.55, clamped to [0.3, 0.95]). */
  minimumConfidence?: number;
  /** At most this many, best first (default 5). */
  maxRecommendations?: number;
  /** Days a recommendation lives; older ones are purged (default 90). */
  retentionDays?: number;
}

export interface GenerateRecommendationsResult {
  recommendations: PatternRecommendation[];
  /** Whether this call stored the recommendations (`false` on a dry run). */
  regenerated: boolean;
  /** How many stale ones were purged. */
  retentionDeleted: number;
}

/** What `statistics()` counts. */
export interface StoreStatistics {
  /** Identifiers, deleted ones included. */
  specifications: number;
  deletedSpecifications: number;
  /** Stored versions, tombstones included. */
  versions: number;
  patterns: number;
  patternVersions: number;
  /** Change records, decisions included. */
  changes: number;
  decisions: number;
  /** IndexedDB only, where the browser tells (`navigator.storage`): the origin's use of its quota. */
  storage?: StorageUse;
}

/** What `navigator.storage` says of the origin that holds an IndexedDB store. */
export interface StorageUse {
  /** Bytes the origin uses (every database and cache of it, not only this store), from `estimate()`. */
  usage: number;
  /** Bytes the browser says it may use. Chromium reports `usage` plus a fixed allowance, not the limit it enforces, so `QUOTA_EXCEEDED` can come sooner. */
  quota: number;
  /** Whether the browser keeps the data under storage pressure (see `persistStorage()`). */
  persisted: boolean;
}
