import type { JsonObject, JsonValue } from './json.js';

export type { JsonObject, JsonValue };

export {
  SPEC_TYPES,
  SPEC_STATUSES,
  PATTERN_TYPES,
  CHANGE_TYPES,
  type SpecType,
  type SpecStatus,
  type PatternType,
  type ChangeType,
  type Specification,
  type Tombstone,
  type FieldChange,
  type DecisionDetails,
  type ChangeRecord,
  type ArchitecturalPattern,
  type ImportedRecord,
  type DecisionOption,
  type DecisionPointRecord,
  type RecommendationFeedback,
  type PatternRecommendation,
} from './records.js';
import type { ArchitecturalPattern, ChangeType, PatternRecommendation, PatternType, SpecStatus, SpecType, Specification, Tombstone } from './records.js';

// The stored records are described in records.ts (their schemas, with these types derived);
// here are what the API takes and the shapes of its computed answers.

/**
 * An instant: milliseconds since the Unix epoch (an integer), a `Date`, or an
 * ISO 8601 string. Stored and returned as milliseconds.
 */
export type Instant = number | Date | string;

/**
 * What `getConflicts` lists: an identifier whose latest version number has
 * several versions ("siblings", written on replicas that had not seen each
 * other), until a later version resolves it.
 */
export interface SpecificationConflict {
  identifier: string;
  version: number;
  /** The id of the sibling reads return (the later timestamp, then the higher id). */
  winner: string;
  /** Every sibling, in id order; a deletion is a tombstone (`deleted: true`). */
  versions: Array<Specification | Tombstone>;
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
