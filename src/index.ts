// The public surface shared by every build. Each entry (lmdb.ts, indexeddb.ts)
// adds its own openTemporalDb; keep this list explicit. The ADR and legacy-record
// readers are in migrate.ts (`temporal-db/migrate`), which the Node entry re-exports.
export { TemporalDb, type CoreOptions } from './core/temporal-db.js';
// For writing a backend: the interface `TemporalDb.create(backend)` takes.
export type { Backend, CommitPlan, Plan, PlannedWrites, RangeQuery, ReadRequest, WriteOp } from './core/backend.js';
export { checkedPlan, runSync, type CommitRow } from './core/commit-plan.js';
export type { CommitEvent } from './core/commit-events.js';
export { ConnectionLostEvent, type ConnectionLostReason } from './core/connection-lost.js';
export { TemporalDbError, isTemporalDbError, type TemporalDbErrorCode, type FieldPath, type InputIssue } from './core/errors.js';
export { encodeKeyString, decodeKeyString } from './core/key-codec.js';
export { MAX_IDENTIFIER_BYTES, MAX_NAME_BYTES, keyStringBytes } from './core/key-limits.js';
export { MAX_JSON_DEPTH } from './core/json.js';
export { SCHEMA_VERSION } from './core/tables.js';
export {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  EXPORT_TABLES,
  type ExportHeader,
  type ExportTable,
  type ImportResult,
  type ImportSource,
  type ApplyOptions,
} from './core/interchange.js';
export type { Clock } from './core/time.js';
export {
  SPEC_TYPES,
  SPEC_STATUSES,
  PATTERN_TYPES,
  CHANGE_TYPES,
  type SpecType,
  type SpecStatus,
  type PatternType,
  type ChangeType,
  type Instant,
  type JsonValue,
  type JsonObject,
  type Specification,
  type SpecificationConflict,
  type Tombstone,
  type SpecificationInput,
  type SpecificationQuery,
  type ListSpecificationsOptions,
  type DeleteOptions,
  type ChangeRecord,
  type ChangesQuery,
  type FieldChange,
  type DecisionDetails,
  type DecisionInput,
  type DecisionPatternAnalysis,
  type ArchitecturalPattern,
  type PatternInput,
  type SimilarPattern,
  type StoreStatistics,
  type StorageUse,
  type ImportedRecord,
  type DecisionOption,
  type DecisionPointInput,
  type DecisionPointQuery,
  type DecisionPointRecord,
  type GenerateRecommendationsOptions,
  type GenerateRecommendationsResult,
  type PatternRecommendation,
  type RecommendationFeedback,
} from './core/types.js';
