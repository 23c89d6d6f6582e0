import { newId } from './ids.js';
import type * as z from 'zod/mini';
import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { patternInputSchema } from './schemas.js';
import { countTerms, jsonText, tfidfCosineCounts, type TermCounts } from './similarity.js';
import { rowAt, rowsIn, span, type RowOf } from './tables.js';
import { withOptional } from './json.js';
import { versionAsOf, versionTimestamp, versionsOf } from './versioned.js';
import type { ArchitecturalPattern, SimilarPattern } from './types.js';
import type { PlanContext } from './write-queue.js';

export type ParsedPattern = z.output<typeof patternInputSchema>;

export function toPattern(row: RowOf<'patternHeads'> | undefined): ArchitecturalPattern | undefined {
  if (!row) return undefined;
  const { activityAt: _activityAt, ...pattern } = row;
  return pattern;
}

/** The head row of a pattern version: the version and when the pattern was last used or changed. */
export const patternHead = (pattern: ArchitecturalPattern): RowOf<'patternHeads'> => ({
  ...pattern,
  activityAt: Math.max(pattern.timestamp, pattern.lastUsed ?? pattern.timestamp),
});

/** Writes a new pattern version and makes it the pattern's head. */
export function writeVersion(ctx: PlanContext, pattern: ArchitecturalPattern): ArchitecturalPattern {
  ctx.insert('patterns', pattern);
  ctx.put('patternHeads', patternHead(pattern));
  return pattern;
}

const nextTimestamp = (given: number | undefined, now: number, previous: ArchitecturalPattern | undefined) =>
  versionTimestamp(given, now, previous, `pattern ${previous?.id}`);

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
  // Kept from the previous version when omitted, all but the success rate.
  return writeVersion(
    ctx,
    withOptional(pattern, {
      successRate: input.successRate,
      contextSimilarity: input.contextSimilarity ?? previous?.contextSimilarity,
      lastUsed: input.lastUsed ?? previous?.lastUsed,
    }),
  );
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

export async function readPattern(backend: Backend, id: string, asOf?: number): Promise<ArchitecturalPattern | undefined> {
  if (asOf === undefined) return toPattern(await rowAt(backend, 'patternHeads', [id]));
  return versionAsOf(backend, 'patterns', [id], asOf);
}

export const readPatternHistory = (backend: Backend, id: string) => versionsOf(backend, 'patterns', [id]);

/** Every pattern head (the latest version of each pattern), in id order. */
export const allPatterns = async (backend: Backend) => (await rowsIn(backend, span('patternHeads'))).map((row) => toPattern(row)!);

// A pattern version never changes, so its terms are counted once per store and kept (up to a bound).
const termCache = new WeakMap<Backend, Map<string, TermCounts>>();
const TERM_CACHE_LIMIT = 50_000;

function termsOf(backend: Backend, pattern: ArchitecturalPattern): TermCounts {
  let cache = termCache.get(backend);
  if (!cache) termCache.set(backend, (cache = new Map()));
  // Siblings (replicas' versions of one number) differ in recordedAt.
  const key = `${pattern.id}@${pattern.version}@${pattern.recordedAt}`;
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
  const patterns = (await rowsIn(backend, span('patternHeads', [since], [until], 'byActivity'))).map((row) => toPattern(row)!);
  const scores = tfidfCosineCounts(countTerms(context), patterns.map((p) => termsOf(backend, p)));
  return patterns
    .map((pattern, i) => ({ pattern, score: scores[i]! }))
    .filter((match) => match.score >= threshold)
    .sort((a, b) => b.score - a.score || byCodeUnits(a.pattern.patternName, b.pattern.patternName) || byCodeUnits(a.pattern.id, b.pattern.id));
}

// Not localeCompare: its order depends on the ICU data of the engine.
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
