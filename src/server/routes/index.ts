// The routes of version 1 of the API, all under /v1; sync's under /v1/sync, read from the store's commit sequence.
import type { TemporalDb } from '../../core/temporal-db.js';
import type { Route } from '../router.js';
import { decisionRoutes } from './decisions.js';
import { patternRoutes } from './patterns.js';
import { specificationRoutes } from './specifications.js';
import { storeRoutes } from './store.js';
import { syncRoutes } from './sync.js';

export function v1Routes(db: TemporalDb): Route[] {
  return [...specificationRoutes(db), ...decisionRoutes(db), ...patternRoutes(db), ...storeRoutes(db), ...syncRoutes(db)];
}
