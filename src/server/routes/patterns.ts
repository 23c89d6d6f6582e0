import type { TemporalDb } from '../../core/temporal-db.js';
import type { ArchitecturalPattern, PatternInput } from '../../core/types.js';
import { queryArguments, type Route } from '../router.js';
import { bodyObject, created, fromBody, fromQuery, notFound, ok, segment } from './reply.js';

const keepId = ['id'];

const locationOf = (mount: string, pattern: ArchitecturalPattern) => `${mount}/v1/patterns/${segment(pattern.id)}`;

/** Architectural patterns: store (a new version with `id`), read as of, history, uses, similarity search. */
export function patternRoutes(db: TemporalDb): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/patterns',
      handle: async ({ json, mount, query }) => {
        queryArguments(query, {});
        const stored = await db.storeArchitecturalPattern((await json()) as PatternInput);
        return created(stored, locationOf(mount, stored));
      },
    },
    {
      method: 'GET',
      path: '/v1/patterns/similar',
      handle: async ({ query }) => {
        const { context, similarityThreshold, lookbackDays } = queryArguments(query, {
          context: 'string',
          similarityThreshold: 'number',
          lookbackDays: 'number',
        });
        return ok(await fromQuery(() => db.getSimilarPatterns(context as string, similarityThreshold as number, lookbackDays as number)));
      },
    },
    {
      method: 'GET',
      path: '/v1/patterns/:id',
      handle: async ({ params, query }) => {
        const options = queryArguments(query, { asOf: 'instant' }) as { asOf?: number | string };
        const pattern = await fromQuery(() => db.getArchitecturalPattern(params.id!, options), ['options'], keepId);
        if (!pattern) throw notFound(`No architectural pattern ${params.id}${options.asOf !== undefined ? ' as of that instant' : ''}`, ['id']);
        return ok(pattern);
      },
    },
    {
      method: 'GET',
      path: '/v1/patterns/:id/history',
      handle: async ({ params, query }) => {
        queryArguments(query, {});
        return ok(await fromQuery(() => db.getPatternHistory(params.id!), [], keepId));
      },
    },
    {
      method: 'POST',
      path: '/v1/patterns/:id/uses',
      handle: async ({ params, json, mount, query }) => {
        queryArguments(query, {});
        const options = bodyObject(await json({ optional: true })) as { timestamp?: number | string };
        const used = await fromBody(() => db.recordPatternUse(params.id!, options), ['options'], keepId);
        return created(used, locationOf(mount, used));
      },
    },
  ];
}
