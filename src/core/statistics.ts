import type { Backend } from './backend.js';
import { DECISION_COUNT } from './decisions.js';
import { allHeads } from './specifications.js';
import type { StoreStatistics } from './types.js';

/** Counts of what the store holds (the heads are read, so deleted ones are counted; decisions by their `meta` count; the rest counted by the engine), and the space it uses where the engine tells. */
export async function readStatistics(backend: Backend): Promise<StoreStatistics> {
  const [heads, versions, patterns, patternVersions, changes, decisions, storage] = await Promise.all([
    allHeads(backend),
    backend.count('specifications'),
    backend.count('patternHeads'),
    backend.count('patterns'),
    backend.count('changes'),
    backend.get('meta', [DECISION_COUNT]),
    backend.storage?.(),
  ]);
  return {
    specifications: heads.length,
    deletedSpecifications: heads.filter((head) => head.deleted).length,
    versions,
    patterns,
    patternVersions,
    changes,
    decisions: (decisions?.value as number | undefined) ?? 0,
    ...(storage && { storage }),
  };
}
