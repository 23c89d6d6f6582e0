import type { TemporalDb } from '../../core/temporal-db.js';
import type { ChangesQuery, DecisionInput, DecisionPointInput, DecisionPointQuery, GenerateRecommendationsOptions } from '../../core/types.js';
import { queryArguments, type Route } from '../router.js';
import { bodyObject, created, fromBody, fromQuery, ok } from './reply.js';

/** The days `GET /v1/analysis/decision-patterns` looks back without `lookbackDays` (as `temporal-db analyze`). */
export const DEFAULT_LOOKBACK_DAYS = 30;

/** The change log, decisions and decision points, the decision analysis, recommendations and their feedback. */
export function decisionRoutes(db: TemporalDb): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/changes',
      handle: async ({ query }) => {
        const filters = queryArguments(query, {
          specId: 'string',
          identifier: 'string',
          changeType: 'string',
          since: 'instant',
          until: 'instant',
          limit: 'number',
          newestFirst: 'boolean',
        }) as ChangesQuery;
        return ok(await fromQuery(() => db.getChanges(filters), ['query']));
      },
    },
    {
      method: 'POST',
      path: '/v1/decisions',
      handle: async ({ json, query }) => {
        queryArguments(query, {});
        const body = await json();
        return created(Array.isArray(body) ? await db.recordDecisions(body as DecisionInput[]) : await db.recordDecision(body as DecisionInput));
      },
    },
    {
      method: 'POST',
      path: '/v1/decision-points',
      handle: async ({ json, query }) => {
        queryArguments(query, {});
        return created(await db.storeDecisionPoint((await json()) as DecisionPointInput));
      },
    },
    {
      method: 'GET',
      path: '/v1/decision-points',
      handle: async ({ query }) => {
        const filters = queryArguments(query, { specId: 'string', identifier: 'string', decisionPoint: 'string', asOf: 'instant' }) as DecisionPointQuery;
        return ok(await fromQuery(() => db.getDecisionPoints(filters), ['query']));
      },
    },
    {
      method: 'GET',
      path: '/v1/analysis/decision-patterns',
      handle: async ({ query }) => {
        const { lookbackDays = DEFAULT_LOOKBACK_DAYS } = queryArguments(query, { lookbackDays: 'number' });
        return ok(await fromQuery(() => db.analyzeDecisionPatterns(lookbackDays as number)));
      },
    },
    {
      method: 'POST',
      path: '/v1/recommendations/generate',
      handle: async ({ json, query }) => {
        queryArguments(query, {});
        const options = bodyObject(await json({ optional: true })) as GenerateRecommendationsOptions;
        return ok(await fromBody(() => db.generateRecommendations(options), ['options']));
      },
    },
    {
      method: 'GET',
      path: '/v1/recommendations',
      handle: async ({ query }) => {
        const options = queryArguments(query, { limit: 'number' }) as { limit?: number };
        return ok(await fromQuery(() => db.getPatternRecommendations(options), ['options']));
      },
    },
    {
      method: 'POST',
      path: '/v1/recommendations/:id/feedback',
      handle: async ({ params, json, query }) => {
        queryArguments(query, {});
        const { action, reason } = bodyObject(await json());
        return ok(await fromBody(() => db.recordRecommendationFeedback(params.id!, action as 'accept' | 'dismiss', reason as string | undefined), [], ['id']));
      },
    },
  ];
}
