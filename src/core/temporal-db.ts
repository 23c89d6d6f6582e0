import * as z from 'zod/mini';
import type { Backend, Plan } from './backend.js';
import { writeOps } from './commit-plan.js';
import { CommitFeed, lastCommit, type CommitEvent } from './commit-events.js';
import type { ConnectionLostEvent } from './connection-lost.js';
import { analyzeDecisions, planRecordDecision, readChanges } from './decisions.js';
import { planStoreDecisionPoint, readDecisionPoints } from './decision-points.js';
import { TemporalDbError, underPath, type FieldPath } from './errors.js';
import { guardBackend } from './guarded-backend.js';
import { LatestCache } from './latest-cache.js';
import { HybridClock } from './hlc.js';
import { migrationOps } from './migrations.js';
import { planPutImported, readImported } from './imported-records.js';
import { encodeKeyString } from './key-codec.js';
import { withOptional } from './json.js';
import { findSimilarPatterns, planPatternUse, planStorePattern, readPattern, readPatternHistory } from './patterns.js';
import { generateRecommendations, latestRecommendations, planFeedback } from './recommendations.js';
import {
  asOfSchema,
  bulkSchema,
  changesQuerySchema,
  decisionInputSchema,
  decisionPointInputSchema,
  decisionPointQuerySchema,
  deleteOptionsSchema,
  feedbackSchema,
  importedQuerySchema,
  importedRecordSchema,
  limitSchema,
  listSpecificationsSchema,
  lookbackSchema,
  patternInputSchema,
  recommendationOptionsSchema,
  similarPatternsSchema,
  specificationInputSchema,
  specificationQuerySchema,
  timestampSchema,
} from './schemas.js';
import { parseInput } from './fields.js';
import {
  identifierKey,
  isKeyIdentifier,
  liveSpecification,
  planDeleteSpecification,
  planStoreSpecification,
  readAsOf,
  readHistory,
  readLatest,
  readConflicts,
  readList,
  readVersion,
  specIdOf,
  withHashes,
} from './specifications.js';
import { readStatistics } from './statistics.js';
import { SCHEMA_VERSION } from './tables.js';
import { DAY_MS, systemClock, type Clock } from './time.js';
import { SPEC_TYPES } from './types.js';
import { specType as specTypeField } from './records.js';
import type {
  ArchitecturalPattern,
  ChangeRecord,
  ChangesQuery,
  DecisionInput,
  DecisionPatternAnalysis,
  DecisionPointInput,
  DecisionPointQuery,
  DecisionPointRecord,
  DeleteOptions,
  GenerateRecommendationsOptions,
  GenerateRecommendationsResult,
  ImportedRecord,
  Instant,
  ListSpecificationsOptions,
  PatternInput,
  PatternRecommendation,
  SimilarPattern,
  SpecType,
  Specification,
  SpecificationConflict,
  SpecificationInput,
  SpecificationQuery,
  StoreStatistics,
} from './types.js';
import { WriteQueue, type PlanContext } from './write-queue.js';

/** Options every backend's `openTemporalDb` accepts. */
export interface CoreOptions {
  /** Source of "now" (ms since epoch). Defaults to `Date.now`. */
  clock?: Clock;
}

const MAX_INSTANT = 8.64e15;
const specTypeSchema = z.object({ specType: specTypeField });

// Reads are hot: the common, valid arguments are checked by hand and only
// the rest goes through zod, which then reports what is wrong.
const isMillis = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_INSTANT;

/** Like Promise.all, but the error thrown is that of the first failing promise in array order, not the first to fail in time. */
async function settledInOrder<T>(promises: ReadonlyArray<Promise<T> | T>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Parses every item of a bulk call; an item's problems are reported under its index. */
const parseEach = <S extends z.ZodMiniType>(schema: S, inputs: unknown, name: string): Array<z.output<S>> =>
  parseInput(bulkSchema, inputs, [name]).map((input, i) => parseInput(schema, input, [i]));

/** Plans the items of a bulk call in order, in one batch; an item's error gets its index in front of its path. */
function* planEach<I, T>(items: readonly I[], plan: (item: I) => Plan<T>): Plan<T[]> {
  const out: T[] = [];
  for (const [i, item] of items.entries()) {
    try {
      out.push(yield* plan(item));
    } catch (error) {
      throw underPath(error, [i]);
    }
  }
  return out;
}

export interface TemporalDb {
  /** `connectionlost`: see {@link ConnectionLostEvent} (IndexedDB only). */
  addEventListener(type: 'connectionlost', listener: (event: ConnectionLostEvent) => void, options?: Parameters<EventTarget['addEventListener']>[2]): void;
  // Spelled through EventTarget so that the declarations work with the DOM library and with Node's types alike.
  addEventListener(...args: Parameters<EventTarget['addEventListener']>): void;
  removeEventListener(type: 'connectionlost', listener: (event: ConnectionLostEvent) => void, options?: Parameters<EventTarget['removeEventListener']>[2]): void;
  removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void;
}

/**
 * A temporal store of specifications, patterns, decisions and their change
 * log. Nothing is overwritten: every write adds a version, and every past
 * state can be read back as of an instant. Get one from `openTemporalDb`.
 *
 * A thin facade: each method validates its arguments and hands them to a
 * domain module (specifications, patterns, decisions, decision points,
 * recommendations, imported records, interchange) through one of two
 * prologues, `write` and `read`.
 *
 * @example
 * const db = await openTemporalDb();
 * await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-001', title: 'Use LMDB', content: '...' });
 * const latest = await db.getLatestSpecification('ADR', 'ADR-001');
 * await db.close();
 */
export class TemporalDb extends EventTarget {
  private readonly writes: WriteQueue;
  /** What writes take their time from (see HybridClock); reads relative to now use the physical clock. */
  private readonly hlc: HybridClock;
  private readonly feed: CommitFeed;
  private readonly clock: Clock;
  /** Latest versions as of the store's last commit, where the backend can tell that commit cheaply. */
  private readonly latestCache: LatestCache | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly backend: Backend,
    options: CoreOptions,
  ) {
    super();
    this.feed = new CommitFeed(backend, () => this.writes.run(lastCommit));
    this.writes = new WriteQueue(backend, this.feed);
    this.clock = options.clock ?? systemClock;
    this.hlc = new HybridClock(this.clock);
    this.latestCache = backend.seqNow ? new LatestCache(() => backend.seqNow!()) : undefined;
  }

  /** For backends: wraps an opened backend, checking and recording the schema version. */
  static async create(engine: Backend, options: CoreOptions = {}): Promise<TemporalDb> {
    const backend = guardBackend(engine);
    const stored = (await backend.get('meta', ['schemaVersion']))?.value;
    if (typeof stored === 'number' && stored > SCHEMA_VERSION) {
      await backend.close();
      throw new TemporalDbError(
        'UNSUPPORTED_SCHEMA',
        `This store has schema version ${stored}; this temporal-db knows up to ${SCHEMA_VERSION}. Upgrade temporal-db.`,
      );
    }
    if (stored !== SCHEMA_VERSION) {
      const migration = typeof stored === 'number' ? [...((await backend.upgrade?.(stored)) ?? []), ...(await migrationOps(backend, stored))] : [];
      await backend.commit(writeOps([...migration, { type: 'put', table: 'meta', row: { name: 'schemaVersion', value: SCHEMA_VERSION } }]));
    }
    return new TemporalDb(backend, options);
  }

  /** Which engine holds the data: `lmdb` or `indexeddb`. */
  get backendKind(): string {
    return this.backend.kind;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Waits for pending writes, then closes the store. Later calls reject with `DATABASE_CLOSED`. */
  close(): Promise<void> {
    this.closing ??= this.writes
      .idle()
      .then(() => this.feed.close())
      .then(() => this.backend.close());
    return this.closing;
  }

  /**
   * Calls `listener` after each committed batch, in commit sequence order,
   * once each: this handle's own (`local: true`) and, while at least one
   * listener is subscribed, those made elsewhere on the same store
   * (`local: false`): other tabs (IndexedDB), other processes (LMDB, polled
   * every 50 ms while listened to), other servers (PostgreSQL, LISTEN/NOTIFY).
   * A listener that throws does not stop the others; its error is rethrown
   * outside the dispatch, as an EventTarget does. Returns the unsubscribe.
   *
   * @example
   * const stop = db.onCommit(({ seq, writes, local }) => console.log(seq, local, writes));
   * stop();
   */
  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.open();
    if (typeof listener !== 'function') throw new TemporalDbError('INVALID_INPUT', 'onCommit takes a function', { path: ['listener'] });
    return this.feed.subscribe(listener);
  }

  private open(): void {
    if (this.closing) throw new TemporalDbError('DATABASE_CLOSED', 'The temporal database is closed; open it again');
  }

  /**
   * The write prologue: asserts the store is open, runs `prepare` (parsing;
   * maybe async work such as hashing or resolving references, after which
   * the store must still be open), then queues `plan`, which runs inside the
   * engine's write transaction with the store's clock read there, and commits.
   */
  private async write<P, T>(prepare: () => P | Promise<P>, plan: (prepared: P, ctx: PlanContext, now: number) => Plan<T>): Promise<T> {
    this.open();
    let prepared = prepare();
    if (prepared instanceof Promise) {
      prepared = await prepared;
      this.open();
    }
    const hlc = this.hlc;
    return this.writes.run(function* (ctx) {
      return yield* plan(prepared as P, ctx, yield* hlc.tick(ctx));
    });
  }

  /** The read prologue: asserts the store is open, parses `input` (its problems under `path`), then reads. */
  private async read<S extends z.ZodMiniType, T>(schema: S, input: unknown, path: FieldPath, run: (parsed: z.output<S>, backend: Backend) => T | Promise<T>): Promise<T> {
    this.open();
    return run(parseInput(schema, input, path), this.backend);
  }

  /**
   * Stores a new version of a specification, with its `Create` or `Update`
   * change record, in one transaction.
   *
   * @example
   * const v1 = await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-001', title: 'Use LMDB', content: 'We will...' });
   * const v2 = await db.storeSpecification({ ...v1, status: 'accepted' }); // v2.version === 2
   */
  storeSpecification(input: SpecificationInput): Promise<Specification> {
    return this.write(
      async () => {
        const parsed = parseInput(specificationInputSchema, input);
        return withHashes(parsed);
      },
      (parsed, ctx, now) => planStoreSpecification(ctx, parsed, now),
    );
  }

  /**
   * Stores many specification versions in one atomic transaction: all of them
   * with their change records, or none (an error's path starts with the
   * index of the offending input). Inputs for the same identifier become
   * consecutive versions in array order.
   *
   * @example
   * await db.storeSpecifications([
   *   { specType: 'ADR', identifier: 'ADR-001', title: 'A', content: '...', timestamp: '2024-01-01' },
   *   { specType: 'ADR', identifier: 'ADR-001', title: 'A', content: '...', status: 'accepted', timestamp: '2024-02-01' },
   * ]);
   */
  storeSpecifications(inputs: readonly SpecificationInput[]): Promise<Specification[]> {
    return this.write(
      async () => {
        const items = parseEach(specificationInputSchema, inputs, 'inputs');
        return Promise.all(items.map(withHashes));
      },
      function* (items, ctx, now) {
        yield* ctx.prefetch('heads', items.map((item) => [identifierKey(item.identifier)]));
        return yield* planEach(items, (item) => planStoreSpecification(ctx, item, now));
      },
    );
  }

  /**
   * The latest version of a specification, or `undefined` when it does not
   * exist, is deleted, or is not of `specType`.
   *
   * @example
   * const adr = await db.getLatestSpecification('ADR', 'ADR-001');
   */
  async getLatestSpecification(specType: SpecType, identifier: string): Promise<Specification | undefined> {
    this.open();
    if (!SPEC_TYPES.includes(specType)) parseInput(specTypeSchema, { specType });
    const latest = await this.latest(this.identifier(identifier));
    return latest?.specType === specType ? latest : undefined;
  }

  /**
   * One version of a specification: the latest, a given `version`, or the one
   * current `asOf` an instant.
   *
   * @example
   * const second = await db.getSpecification('ADR-001', { version: 2 });
   * const lastJune = await db.getSpecification('ADR-001', { asOf: '2026-06-30T00:00:00Z' });
   */
  async getSpecification(identifier: string, query: SpecificationQuery | {} = {}): Promise<Specification | undefined> {
    this.open();
    const id = this.identifier(identifier);
    const fast = query as { version?: unknown; asOf?: unknown };
    if (fast.version === undefined && isMillis(fast.asOf)) return readAsOf(this.backend, id, fast.asOf);
    // No version and no instant: the latest (what the schema would conclude, without a parse per read).
    if (fast.version === undefined && fast.asOf === undefined && typeof query === 'object' && query !== null && !Array.isArray(query)) {
      return this.latest(id);
    }
    const { version, asOf } = parseInput(specificationQuerySchema, query, ['query']);
    if (version !== undefined) return readVersion(this.backend, id, version);
    if (asOf !== undefined) return readAsOf(this.backend, id, asOf);
    return this.latest(id);
  }

  /**
   * Every version of a specification, oldest first (deletions are in `getChanges`).
   *
   * @example
   * for (const v of await db.getSpecificationHistory('ADR-001')) console.log(v.version, v.status);
   */
  async getSpecificationHistory(identifier: string): Promise<Specification[]> {
    this.open();
    return readHistory(this.backend, this.identifier(identifier));
  }

  /**
   * The current (or `asOf`) version of every specification, in identifier order.
   *
   * @example
   * const adrs = await db.listSpecifications({ specType: 'ADR' });
   */
  listSpecifications(options: ListSpecificationsOptions = {}): Promise<Specification[]> {
    return this.read(listSpecificationsSchema, options, ['options'], (parsed, backend) => readList(backend, parsed));
  }

  /**
   * Marks a specification deleted from now on (a tombstone version and a
   * `Delete` change). History and earlier as-of reads still work.
   *
   * @example
   * await db.deleteSpecification('ADR-007', { author: 'ana', reason: 'merged into ADR-003' });
   */
  deleteSpecification(identifier: string, options: DeleteOptions = {}): Promise<ChangeRecord> {
    return this.write(
      () => [this.identifier(identifier), parseInput(deleteOptionsSchema, options, ['options'])] as const,
      ([id, parsed], ctx, now) => planDeleteSpecification(ctx, id, parsed, now),
    );
  }

  /**
   * Stores an architectural pattern; with the `id` of an existing pattern, a new version of it.
   *
   * @example
   * const repo = await db.storeArchitecturalPattern({
   *   patternName: 'Repository Pattern', patternType: 'Application',
   *   patternDefinition: { intent: 'Mediate between domain and data mapping layers' },
   * });
   */
  storeArchitecturalPattern(input: PatternInput): Promise<ArchitecturalPattern> {
    return this.write(() => parseInput(patternInputSchema, input), (parsed, ctx, now) => planStorePattern(ctx, parsed, now));
  }

  /**
   * A pattern's latest version, or the one current `asOf` an instant.
   *
   * @example
   * const pattern = await db.getArchitecturalPattern(id);
   */
  getArchitecturalPattern(id: string, options: { asOf?: Instant } = {}): Promise<ArchitecturalPattern | undefined> {
    return this.read(asOfSchema, options, ['options'], ({ asOf }, backend) => readPattern(backend, this.patternId(id), asOf));
  }

  /**
   * Every version of a pattern, oldest first.
   *
   * @example
   * const versions = await db.getPatternHistory(id);
   */
  async getPatternHistory(id: string): Promise<ArchitecturalPattern[]> {
    this.open();
    return readPatternHistory(this.backend, this.patternId(id));
  }

  /**
   * Records one use of a pattern: a new version with `usageFrequency + 1` and `lastUsed` set.
   *
   * @example
   * const used = await db.recordPatternUse(pattern.id);
   */
  recordPatternUse(id: string, options: { timestamp?: Instant } = {}): Promise<ArchitecturalPattern> {
    return this.write(
      () => [this.patternId(id), parseInput(timestampSchema, options, ['options']).timestamp] as const,
      ([patternId, timestamp], ctx, now) => planPatternUse(ctx, patternId, timestamp, now),
    );
  }

  /**
   * Patterns used or changed in the last `lookbackDays`, whose TF-IDF cosine
   * similarity between `context` and their name, definition and examples is
   * at least `similarityThreshold`; best first.
   *
   * @example
   * const matches = await db.getSimilarPatterns('abstract data access behind a collection interface', 0.2, 30);
   * matches[0]?.pattern.patternName; matches[0]?.score;
   */
  getSimilarPatterns(context: string, similarityThreshold: number, lookbackDays: number): Promise<SimilarPattern[]> {
    return this.read(similarPatternsSchema, { context, similarityThreshold, lookbackDays }, [], (_, backend) =>
      findSimilarPatterns(backend, context, similarityThreshold, this.clock() - lookbackDays * DAY_MS, Infinity),
    );
  }

  /**
   * Records a decision taken on a specification as a `Decision` change.
   * `specId` names the specification by its `specId`, the `id` of one of its
   * versions or its identifier (tried in that order); a deleted or unknown
   * one is `NOT_FOUND`. An omitted `confidence` stays absent: the decision
   * counts in analyses but is never a selected one.
   *
   * @example
   * await db.recordDecision({
   *   specId: 'ADR-002', decisionPoint: 'storage-engine', selectedOption: 'LMDB',
   *   context: 'embedded, read-heavy', author: 'ana', confidence: 0.85,
   * });
   */
  recordDecision(input: DecisionInput): Promise<ChangeRecord> {
    return this.write(
      async () => {
        const { specId, ...decision } = parseInput(decisionInputSchema, input);
        return { ik: await liveSpecification(this.backend, { ref: specId }, ['specId']), decision };
      },
      ({ ik, decision }, ctx, now) => planRecordDecision(ctx, ik, decision, now),
    );
  }

  /**
   * Records many decisions in one atomic transaction: all or none. Each
   * `specId` is resolved as in `recordDecision`.
   *
   * @example
   * await db.recordDecisions(imported.map((d) => ({ ...d, specId: 'ADR-002' })));
   */
  recordDecisions(inputs: readonly DecisionInput[]): Promise<ChangeRecord[]> {
    return this.write(
      async () => {
        const items = parseEach(decisionInputSchema, inputs, 'inputs');
        const firstUse = new Map<string, number>();
        items.forEach(({ specId }, i) => firstUse.has(specId) || firstUse.set(specId, i));
        const resolved = await settledInOrder([...firstUse].map(([specId, i]) => liveSpecification(this.backend, { ref: specId }, [i, 'specId'])));
        const heads = new Map([...firstUse.keys()].map((specId, k) => [specId, resolved[k]!]));
        return { items, heads };
      },
      function* ({ items, heads }, ctx, now) {
        yield* ctx.prefetch('heads', [...new Set(heads.values())].map((ik) => [ik]));
        yield* ctx.prefetch(
          'decisionRollups',
          items.map((item) => [Math.floor((item.timestamp ?? now) / DAY_MS), encodeKeyString(item.decisionPoint)]),
        );
        return yield* planEach(items, ({ specId, ...decision }) => planRecordDecision(ctx, heads.get(specId)!, decision, now));
      },
    );
  }

  /**
   * Stores a decision point of a specification with its options (pros,
   * cons, which is selected and why). The specification is named by
   * `specificationId` (resolved as `recordDecision`'s `specId`) or
   * `identifier`; if both are given they must name the same one. At most
   * one option may be selected unless `allowMultipleSelected` is true. Each
   * selected option is also recorded as a `Decision` change, in the same
   * transaction, so analyses and recommendations see it.
   *
   * @example
   * await db.storeDecisionPoint({
   *   identifier: 'ADR-002', decisionPoint: 'storage-engine', context: 'embedded, read-heavy',
   *   options: [
   *     { optionName: 'LMDB', pros: ['fast reads'], cons: ['native build'], selected: true, selectionRationale: 'reads dominate' },
   *     { optionName: 'SQLite', pros: ['SQL'], cons: ['slower point reads'] },
   *   ],
   * });
   */
  storeDecisionPoint(input: DecisionPointInput): Promise<DecisionPointRecord> {
    return this.write(
      async () => {
        const parsed = parseInput(decisionPointInputSchema, input);
        const [byRef, byIdentifier] = await settledInOrder([
          parsed.specificationId !== undefined ? liveSpecification(this.backend, { ref: parsed.specificationId }, ['specificationId']) : undefined,
          parsed.identifier !== undefined ? liveSpecification(this.backend, { identifier: parsed.identifier }, ['identifier']) : undefined,
        ]);
        if (byRef !== undefined && byIdentifier !== undefined && byRef !== byIdentifier) {
          throw new TemporalDbError('INVALID_INPUT', `"${parsed.identifier}" is not the specification ${parsed.specificationId} names`, {
            path: ['identifier'],
          });
        }
        return { parsed, ik: (byRef ?? byIdentifier)! };
      },
      ({ parsed, ik }, ctx, now) => planStoreDecisionPoint(ctx, ik, parsed, now),
    );
  }

  /**
   * Decision points in time order: those of one specification (`specId`, a
   * specId, version id or identifier, or `identifier`), or of one decision
   * point name across all specifications, each in its latest form as of
   * `asOf` (default now). A reference that names nothing gives `[]`; a
   * deleted specification's decision points are still returned.
   *
   * @example
   * const points = await db.getDecisionPoints({ specId: 'ADR-002' });
   * const everywhere = await db.getDecisionPoints({ decisionPoint: 'storage-engine', asOf: '2026-06-30' });
   */
  getDecisionPoints(query: DecisionPointQuery): Promise<DecisionPointRecord[]> {
    return this.read(decisionPointQuerySchema, query, ['query'], async ({ specId: _ref, identifier, decisionPoint, asOf }, backend) => {
      const specId = await specIdOf(backend, { specId: _ref, identifier });
      if (specId === null) return [];
      return readDecisionPoints(backend, {
        ...(specId !== undefined ? { specId } : {}),
        ...(decisionPoint !== undefined ? { decisionPoint } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
      });
    });
  }

  /**
   * Turns the decision history of the last `lookbackDays` into pattern
   * recommendations, as the original recognizer did: per decision point,
   * confidence = selected / total decisions clamped to [0.1, 0.98], skipped
   * below `minimumConfidence` (itself clamped to [0.3, 0.95]); the pattern is
   * the most successful similar one, else one whose metadata names the point
   * (`canonicalDecisionPoint`), else one whose name contains it, else one
   * inferred from the point's name. Unless `dryRun`, they are stored with an
   * expiry of `retentionDays`, and older ones are purged. A dismissed
   * recommendation is not made again for the same pattern and point within
   * the retention window.
   *
   * @example
   * const { recommendations } = await db.generateRecommendations({ lookbackDays: 45 });
   */
  generateRecommendations(options: GenerateRecommendationsOptions = {}): Promise<GenerateRecommendationsResult> {
    return this.read(recommendationOptionsSchema, options, ['options'], (parsed, backend) =>
      generateRecommendations(backend, (plan) => this.writes.run(plan), parsed, this.clock()),
    );
  }

  /**
   * The stored recommendations, newest first; expired ones are never returned.
   *
   * @example
   * const latest = await db.getPatternRecommendations({ limit: 10 });
   */
  getPatternRecommendations(options: { limit?: number } = {}): Promise<PatternRecommendation[]> {
    return this.read(limitSchema, options, ['options'], ({ limit }, backend) => latestRecommendations(backend, limit, this.clock()));
  }

  /**
   * Accepts or dismisses a recommendation; the feedback is kept with it, with
   * earlier feedback. Accepting raises the recommended pattern's success rate
   * (a new pattern version). An unknown id is `NOT_FOUND`.
   *
   * @example
   * await db.recordRecommendationFeedback(recommendation.id, 'dismiss', 'we chose a queue instead');
   */
  recordRecommendationFeedback(id: string, action: 'accept' | 'dismiss', reason?: string): Promise<PatternRecommendation> {
    return this.write(
      () => parseInput(feedbackSchema, { id, action, reason }),
      (parsed, ctx, now) => planFeedback(ctx, parsed.id, withOptional({ action: parsed.action, at: now }, { reason: parsed.reason }), now),
    );
  }

  /**
   * Per decision point, the decisions taken in the last `lookbackDays`: how
   * many, how many with confidence above 0.7 (a decision without a
   * confidence counts in the total, never as selected), and their contexts.
   *
   * @example
   * const [top] = await db.analyzeDecisionPatterns(30);
   */
  analyzeDecisionPatterns(lookbackDays: number): Promise<DecisionPatternAnalysis[]> {
    return this.read(lookbackSchema, { lookbackDays }, [], (_, backend) => {
      const now = this.clock();
      return analyzeDecisions(backend, now - lookbackDays * DAY_MS, now);
    });
  }

  /**
   * Change records in time order, filtered by specification, type and an
   * inclusive time window. The specification is `specId` (a specId, version
   * id or identifier, tried in that order) or `identifier`; one that names
   * nothing gives `[]`. A deleted specification's changes, its `Delete`
   * included, are still returned.
   *
   * @example
   * const lastWeek = await db.getChanges({ since: Date.now() - 7 * 86_400_000 });
   * const adr10 = await db.getChanges({ specId: 'ADR-010' });
   */
  getChanges(query: ChangesQuery = {}): Promise<ChangeRecord[]> {
    return this.read(changesQuerySchema, query, ['query'], async ({ identifier, ...parsed }, backend) => {
      const specId = await specIdOf(backend, { specId: parsed.specId, identifier });
      if (specId === null) return [];
      return readChanges(backend, { ...parsed, specId });
    });
  }

  /**
   * The identifiers whose latest version number has several versions
   * (siblings from replicas that edited offline), with all of them; only
   * `identifier` when given. Storing a new version resolves a conflict.
   *
   * @example
   * for (const { identifier, versions } of await db.getConflicts()) console.log(identifier, versions.map((v) => v.author));
   */
  async getConflicts(identifier?: string): Promise<SpecificationConflict[]> {
    this.open();
    return readConflicts(this.backend, identifier === undefined ? undefined : this.identifier(identifier));
  }

  /**
   * Keeps records of kinds temporal-db does not model (what importers of
   * legacy stores bring along), in one atomic batch. A record whose kind,
   * timestamp and id are already stored is skipped; returns how many were added.
   *
   * @example
   * await db.putImportedRecords([{ kind: 'prompt_analysis', id: 'a1', timestamp: 1700000000000, source: 'a.json', data: {} }]);
   */
  putImportedRecords(records: readonly ImportedRecord[]): Promise<number> {
    return this.write(() => parseEach(importedRecordSchema, records, 'records'), (items, ctx) => planPutImported(ctx, items));
  }

  /**
   * The imported records of one kind, in time order.
   *
   * @example
   * const sessions = await db.getImportedRecords({ kind: 'optimization_session' });
   */
  getImportedRecords(query: { kind: string; since?: Instant; until?: Instant }): Promise<ImportedRecord[]> {
    return this.read(importedQuerySchema, query, ['query'], (parsed, backend) => readImported(backend, parsed));
  }

  /**
   * Counts of what the store holds and, on IndexedDB, the origin's storage use.
   *
   * @example
   * const { versions, changes } = await db.statistics();
   */
  async statistics(): Promise<StoreStatistics> {
    this.open();
    return readStatistics(this.backend);
  }

  /**
   * Writes a consistent copy of the store into the directory `target` while
   * it stays open and writable (LMDB only; `STORAGE_ERROR` elsewhere).
   *
   * @example
   * await db.backup('./backups/2026-11-25');
   */
  async backup(target: string): Promise<void> {
    this.open();
    if (!this.backend.backup) {
      throw new TemporalDbError('STORAGE_ERROR', `The ${this.backend.kind} backend cannot make a backup; use exportStream(db) from temporal-db/interchange`);
    }
    await this.writes.idle();
    // The guarded backend turns an engine's failure into STORAGE_ERROR.
    await this.backend.backup(target);
  }

  /** The latest version of a checked identifier, from the cache while no commit came since it was read. */
  private async latest(identifier: string): Promise<Specification | undefined> {
    const cache = this.latestCache;
    if (!cache) return readLatest(this.backend, identifier);
    const cached = cache.get(identifier);
    if (cached.hit) return cached.value;
    return cache.set(identifier, cached.seq, await readLatest(this.backend, identifier));
  }

  private identifier(identifier: string): string {
    if (typeof identifier === 'string' && isKeyIdentifier(identifier)) return identifier;
    return parseInput(specificationInputSchema.shape.identifier, identifier, ['identifier']);
  }

  private patternId(id: string): string {
    return parseInput(patternInputSchema.shape.id.def.innerType, id, ['id']);
  }
}
