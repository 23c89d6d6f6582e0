import type { Backend } from './backend.js';
import { analyzeDecisions } from './decisions.js';
import { TemporalDbError } from './errors.js';
import { newId } from './ids.js';
import { allPatterns, findSimilarPatterns, toPattern, writeVersion } from './patterns.js';
import { pythonTitle } from './python-title.js';
import { rowsIn, span } from './tables.js';
import { DAY_MS } from './time.js';
import type { ArchitecturalPattern, DecisionPatternAnalysis, GenerateRecommendationsResult, PatternRecommendation, RecommendationFeedback } from './types.js';
import type { PlanContext } from './write-queue.js';
import type { Plan } from './backend.js';

export interface RecommendationOptions {
  lookbackDays: number;
  dryRun: boolean;
  minimumConfidence: number;
  maxRecommendations: number;
  retentionDays: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The pattern named after a decision point when none fits, as the original
 * names it: `decision_point.replace("_", " ").title()` in Python.
 *
 * @example
 * inferredPatternName('api_versioning'); // 'Api Versioning'
 */
export function inferredPatternName(decisionPoint: string): string {
  return pythonTitle(decisionPoint.replaceAll('_', ' '));
}

/** An unknown success rate ranks below every known one, 0 included. */
const rankedRate = (pattern: ArchitecturalPattern) => pattern.successRate ?? -1;

const namesPoint = (pattern: ArchitecturalPattern, point: string) => {
  const { canonicalDecisionPoint, decisionPoints } = pattern.metadata as { canonicalDecisionPoint?: unknown; decisionPoints?: unknown };
  return canonicalDecisionPoint === point || (Array.isArray(decisionPoints) && decisionPoints.includes(point));
};

/**
 * The best pattern for a decision point, as the original recognizer chose it:
 * among similar patterns by success rate, then similarity, then usage; else
 * one whose metadata names the point as canonical; else one whose name
 * contains it; else a pattern inferred from the point's name.
 */
async function bestPattern(backend: Backend, entry: DecisionPatternAnalysis, patterns: ArchitecturalPattern[]) {
  const context = [entry.decisionPoint.replace(/[-_]+/g, ' '), ...entry.contexts.slice(0, 3)].join(' ');
  const similar = await findSimilarPatterns(backend, context, 0.1, -Infinity, Infinity);
  if (similar.length > 0) {
    const [best] = [...similar].sort(
      (a, b) =>
        rankedRate(b.pattern) - rankedRate(a.pattern) || b.score - a.score || b.pattern.usageFrequency - a.pattern.usageFrequency,
    );
    return { pattern: best!.pattern, similarity: best!.score, via: 'similarity' as const };
  }
  const canonical = patterns.find((p) => namesPoint(p, entry.decisionPoint));
  if (canonical) return { pattern: canonical, via: 'canonical' as const };
  const point = entry.decisionPoint.toLowerCase().replace(/[-_]+/g, ' ');
  const named = patterns.find((p) => p.patternName.toLowerCase().replace(/[-_]+/g, ' ').includes(point));
  if (named) return { pattern: named, via: 'name' as const };
  return { via: 'inferred' as const };
}

/** The recommendations of the window, before persistence, best first. */
export async function buildRecommendations(
  backend: Backend,
  options: RecommendationOptions,
  now: number,
  dismissed: Set<string>,
): Promise<PatternRecommendation[]> {
  const minimum = clamp(options.minimumConfidence, 0.3, 0.95);
  const analysis = await analyzeDecisions(backend, now - options.lookbackDays * DAY_MS, now);
  const patterns = await allPatterns(backend);
  const out: PatternRecommendation[] = [];
  for (const entry of analysis) {
    const confidence = clamp(entry.selectedCount / entry.totalDecisions, 0.1, 0.98);
    if (confidence < minimum) continue;
    const choice = await bestPattern(backend, entry, patterns);
    const patternName = choice.pattern?.patternName ?? inferredPatternName(entry.decisionPoint);
    if (dismissed.has(dismissalKey(patternName, entry.decisionPoint))) continue;
    const [favourite] = Object.entries(entry.options).sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0]));
    const topContexts = entry.contexts.slice(0, 3);
    const rationale = [
      `Observed ${entry.selectedCount}/${entry.totalDecisions} historical decisions favouring ${patternName} for "${entry.decisionPoint}"` +
        (favourite ? ` (most chosen option: ${favourite[0]}, ${favourite[1]} times).` : '.'),
      `Estimated confidence ${confidence.toFixed(2)}.`,
      ...(topContexts.length ? [`Representative contexts: ${topContexts.join('; ')}.`] : []),
      ...(choice.pattern?.successRate !== undefined ? [`Known success rate ${choice.pattern.successRate.toFixed(2)}.`] : []),
    ].join(' ');
    const recommendation: PatternRecommendation = {
      id: newId(),
      patternName,
      decisionPoint: entry.decisionPoint,
      confidence,
      provenance: entry.specType,
      rationale,
      metadata: {
        totalDecisions: entry.totalDecisions,
        selectedCount: entry.selectedCount,
        topContexts,
        tags: [entry.specType, choice.via],
        options: entry.options,
        lookbackDays: options.lookbackDays,
      },
      createdAt: now,
      expiresAt: now + options.retentionDays * DAY_MS,
      feedback: [],
    };
    if (choice.pattern) recommendation.patternId = choice.pattern.id;
    if (choice.via === 'similarity') recommendation.metadata.similarity = choice.similarity!;
    out.push(recommendation);
  }
  return out
    .sort((a, b) => b.confidence - a.confidence || byCodeUnits(a.decisionPoint, b.decisionPoint))
    .slice(0, options.maxRecommendations);
}

export const dismissalKey = (patternName: string, decisionPoint: string) => `${patternName}\u0000${decisionPoint}`;

/** Recommendations created in [since, until], oldest first. */
export async function recommendationsCreated(backend: Backend, since: number, until: number): Promise<PatternRecommendation[]> {
  return rowsIn(backend, span('recommendations', [since], [until], 'byCreated'));
}

/** Adds feedback to a recommendation (its feedback history is kept); accepting raises the pattern's success rate. */
export function* planFeedback(
  ctx: PlanContext,
  id: string,
  feedback: RecommendationFeedback,
  now: number,
): Plan<PatternRecommendation> {
  const current = yield* ctx.get('recommendations', [id]);
  if (!current) throw new TemporalDbError('NOT_FOUND', `No pattern recommendation ${id}`, { path: ['id'] });
  const next: PatternRecommendation = { ...current, feedback: [...current.feedback, feedback] };
  ctx.put('recommendations', next);
  if (feedback.action === 'accept' && current.patternId) {
    const pattern = toPattern(yield* ctx.get('patternHeads', [current.patternId]));
    if (pattern) {
      // Each acceptance closes a tenth of the gap to 1; an unknown rate starts from 0.
      const rate = pattern.successRate ?? 0;
      const successRate = Math.min(1, rate + (1 - rate) * 0.1);
      const timestamp = Math.max(now, pattern.timestamp);
      writeVersion(ctx, { ...pattern, version: pattern.version + 1, successRate, timestamp, recordedAt: now });
    }
  }
  return next;
}

/**
 * Builds the recommendations of the window and, unless a dry run, stores
 * them with `run` (the write queue) and purges those older than the
 * retention window. Dismissed recommendations of the window are not made again.
 */
export async function generateRecommendations(
  backend: Backend,
  run: <T>(plan: (ctx: PlanContext) => Plan<T>) => Promise<T>,
  options: RecommendationOptions,
  now: number,
): Promise<GenerateRecommendationsResult> {
  const retentionStart = now - options.retentionDays * DAY_MS;
  const recent = await recommendationsCreated(backend, retentionStart, Infinity);
  const dismissed = new Set(
    recent.filter((r) => r.feedback.some((f) => f.action === 'dismiss')).map((r) => dismissalKey(r.patternName, r.decisionPoint)),
  );
  const recommendations = await buildRecommendations(backend, options, now, dismissed);
  if (options.dryRun) return { recommendations, regenerated: false, retentionDeleted: 0 };
  const stale = await recommendationsCreated(backend, -Infinity, retentionStart - 1);
  // eslint-disable-next-line require-yield
  await run(function* (ctx) {
    for (const recommendation of recommendations) ctx.insert('recommendations', recommendation);
    for (const old of stale) ctx.delete('recommendations', [old.id]);
  });
  return { recommendations, regenerated: true, retentionDeleted: stale.length };
}

/** The stored recommendations that have not expired, newest first. */
export async function latestRecommendations(backend: Backend, limit: number, now: number): Promise<PatternRecommendation[]> {
  const all = await recommendationsCreated(backend, -Infinity, Infinity);
  return all
    .filter((r) => r.expiresAt > now)
    .reverse()
    .slice(0, limit);
}
