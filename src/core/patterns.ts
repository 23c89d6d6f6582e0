import { newId } from './ids.js';
import type * as z from 'zod/mini';
import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { patternInputSchema } from './schemas.js';
import { countTerms, jsonText, tfidfCosineCounts, type TermCounts } from './similarity.js';
import { TABLES, highestKey, lowestKey, type Row } from './tables.js';
import type { ArchitecturalPattern, SimilarPattern } from './types.js';
import type { PlanContext } from './write-queue.js';

export type ParsedPattern = z.output<typeof patternInputSchema>;

/** The latest version of a pattern plus the instant it was last used or changed. */
type PatternHeadRow = ArchitecturalPattern & { activityAt: number };

export function toPattern(row: Row | undefined): ArchitecturalPattern | undefined {
  if (!row) return undefined;
  const { activityAt: _activityAt, ...pattern } = row as unknown as PatternHeadRow;
  return pattern;
}

/** Writes a new pattern version and makes it the pattern's head. */
export function writeVersion(ctx: PlanContext, pattern: ArchitecturalPattern): ArchitecturalPattern {
  ctx.insert('patterns', pattern as unknown as Row);
  const activityAt = Math.max(pattern.timestamp, pattern.lastUsed ?? pattern.timestamp);
  ctx.put('patternHeads', { ...pattern, activityAt } satisfies PatternHeadRow);
  return pattern;
}

function nextTimestamp(given: number | undefined, now: number, previous: ArchitecturalPattern | undefined): number {
  if (given === undefined) return Math.max(now, previous?.timestamp ?? now);
  if (previous && given < previous.timestamp) {
    throw new TemporalDbError(
      'OUT_OF_ORDER',
      `Cannot store a version of pattern ${previous.id} at ${new Date(given).toISOString()}: ` +
        `version ${previous.version} is already at ${new Date(previous.timestamp).toISOString()}`,
      { path: ['timestamp'] },
    );
  }
  return given;
}

export function* planStorePattern(ctx: PlanContext, input: ParsedPattern, now: number) {
  const previous = input.id ? toPattern(yield* ctx.get('patternHeads', [input.id])) : undefined;
  const timestamp = nextTimestamp(input.timestamp, now, previous);
  const pattern: ArchitecturalPattern = {
    id: input.id ?? newId(),
    version: (previous?.version ?? 0) + 1,
    patternName: input.patternName,
    patternType: input.patternType,
    patternDefinition: input.patternDefinition,
    examples: input.examples,
    usageFrequency: input.usageFrequency ?? previous?.usageFrequency ?? 0,
    metadata: input.metadata,
    timestamp,
    createdAt: previous?.createdAt ?? timestamp,
    recordedAt: now,
  };
  if (input.successRate !== undefined) pattern.successRate = input.successRate;
  const contextSimilarity = input.contextSimilarity ?? previous?.contextSimilarity;
  if (contextSimilarity !== undefined) pattern.contextSimilarity = contextSimilarity;
  const lastUsed = input.lastUsed ?? previous?.lastUsed;
  if (lastUsed !== undefined) pattern.lastUsed = lastUsed;
  return writeVersion(ctx, pattern);
}

export function* planPatternUse(ctx: PlanContext, id: string, given: number | undefined, now: number) {
  const previous = toPattern(yield* ctx.get('patternHeads', [id]));
  if (!previous) throw new TemporalDbError('NOT_FOUND', `No architectural pattern ${id}`, { path: ['id'] });
  const timestamp = nextTimestamp(given, now, previous);
  return writeVersion(ctx, {
    ...previous,
    version: previous.version + 1,
    usageFrequency: previous.usageFrequency + 1,
    lastUsed: timestamp,
    timestamp,
    recordedAt: now,
  });
}

export async function readPattern(backend: Backend, id: string, asOf?: number) {
  if (asOf === undefined) return toPattern(await backend.get('patternHeads', [id]));
  const { columns } = TABLES.patterns.indexes.byTime;
  const [row] = await backend.range({
    table: 'patterns',
    index: 'byTime',
    lower: lowestKey(columns, [id]),
    upper: highestKey(columns, [id, asOf]),
    reverse: true,
    limit: 1,
  });
  return toPattern(row);
}

export async function readPatternHistory(backend: Backend, id: string): Promise<ArchitecturalPattern[]> {
  const rows = await backend.range({
    table: 'patterns',
    lower: lowestKey(TABLES.patterns.key, [id]),
    upper: highestKey(TABLES.patterns.key, [id]),
  });
  return rows as unknown as ArchitecturalPattern[];
}

// A pattern version never changes, so its terms are counted once per store and kept (up to a bound).
const termCache = new WeakMap<Backend, Map<string, TermCounts>>();
const TERM_CACHE_LIMIT = 50_000;

function termsOf(backend: Backend, pattern: ArchitecturalPattern): TermCounts {
  let cache = termCache.get(backend);
  if (!cache) termCache.set(backend, (cache = new Map()));
  const key = `${pattern.id}@${pattern.version}`;
  let terms = cache.get(key);
  if (!terms) {
    if (cache.size >= TERM_CACHE_LIMIT) cache.clear();
    terms = countTerms([pattern.patternName, jsonText(pattern.patternDefinition), pattern.examples.map(jsonText).join(' ')].join(' '));
    cache.set(key, terms);
  }
  return terms;
}

/** Patterns used or changed since `since`, ranked by TF-IDF cosine similarity to `context`. */
export async function findSimilarPatterns(
  backend: Backend,
  context: string,
  threshold: number,
  since: number,
  until: number,
): Promise<SimilarPattern[]> {
  const { columns } = TABLES.patternHeads.indexes.byActivity;
  const rows = await backend.range({
    table: 'patternHeads',
    index: 'byActivity',
    lower: lowestKey(columns, [since]),
    upper: highestKey(columns, [until]),
  });
  const patterns = rows.map((row) => toPattern(row)!);
  const scores = tfidfCosineCounts(countTerms(context), patterns.map((p) => termsOf(backend, p)));
  return patterns
    .map((pattern, i) => ({ pattern, score: scores[i]! }))
    .filter((match) => match.score >= threshold)
    .sort((a, b) => b.score - a.score || byCodeUnits(a.pattern.patternName, b.pattern.patternName) || byCodeUnits(a.pattern.id, b.pattern.id));
}

// Not localeCompare: its order depends on the ICU data of the engine.
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
