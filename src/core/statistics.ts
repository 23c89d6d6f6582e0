import type { Backend } from './backend.js';
import { allHeads } from './specifications.js';
import type { StoreStatistics } from './types.js';

/** Counts of what the store holds (the heads are read, so deleted ones are counted; the rest counted by the engine), and the space it uses where the engine tells. */
export async function readStatistics(backend: Backend): Promise<StoreStatistics> {
  const [heads, versions, patterns, patternVersions, changes, decisions, storage] = await Promise.all([
    allHeads(backend),
    backend.count('specifications'),
    backend.count('patternHeads'),
    backend.count('patterns'),
    backend.count('changes'),
    backend.count('decisions'),
    backend.storage?.(),
  ]);
  return {
    specifications: heads.length,
    deletedSpecifications: heads.filter((head) => head.deleted).length,
    versions,
    patterns,
    patternVersions,
    changes,
    decisions,
    ...(storage && { storage }),
  };
}
