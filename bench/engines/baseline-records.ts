// What the hand-written baselines store: the same records and change records
// the library stores, so that every engine does the same work.
import { sha256Hex } from '../../src/core/hash.js';
import type { JsonValue } from '../../src/core/json.js';
import { jsonText, tfidfCosine } from '../../src/core/similarity.js';
import { digest, type DecisionEvent, type SpecVersion } from '../workload.js';

export interface StoredVersion extends SpecVersion {
  id: string;
  hash: string;
  recordedAt: number;
}

const FIELDS = ['title', 'content', 'author', 'status', 'tags'] as const;

/** A workload version as a baseline stores it: with an id, the content hash and the write time. */
export async function toStored(v: SpecVersion): Promise<StoredVersion> {
  return { ...v, id: `v${nextSeq()}`, hash: await sha256Hex(v.content), recordedAt: Date.now() };
}

/** `ingestSpecs` and `storeOne` for a baseline that writes a list of stored versions in one transaction. */
export function specWriters(write: (stored: StoredVersion[]) => Promise<unknown>) {
  return {
    async ingestSpecs(batch: SpecVersion[]) {
      await write(await Promise.all(batch.map(toStored)));
    },
    async storeOne(version: SpecVersion) {
      await write([await toStored(version)]);
    },
  };
}

export function changeFor(version: StoredVersion, previous: StoredVersion | undefined, seq: number) {
  const fieldChanges: Record<string, { oldValue: unknown; newValue: unknown }> = {};
  if (previous) {
    for (const field of FIELDS) {
      if (JSON.stringify(previous[field]) !== JSON.stringify(version[field])) {
        fieldChanges[field] = { oldValue: previous[field], newValue: version[field] };
      }
    }
  }
  return {
    id: `c${seq}`,
    changeType: previous ? 'Update' : 'Create',
    identifier: version.identifier,
    specType: version.specType,
    version: version.version,
    fieldChanges,
    author: version.author,
    timestamp: version.timestamp,
    recordedAt: version.recordedAt,
  };
}

export function decisionChange(d: DecisionEvent, seq: number) {
  return {
    id: `d${seq}`,
    changeType: 'Decision',
    identifier: d.identifier,
    fieldChanges: {},
    author: d.author,
    decision: { decisionPoint: d.decisionPoint, selectedOption: d.selectedOption, context: d.context, confidence: d.confidence },
    timestamp: d.timestamp,
  };
}

/** Groups decisions the way analyzeDecisionPatterns does (contexts newest first). */
export function groupDecisions(rows: DecisionEvent[]) {
  const groups = new Map<string, { decisionPoint: string; totalDecisions: number; selectedCount: number; contexts: string[]; seen: Set<string> }>();
  for (let i = rows.length - 1; i >= 0; i--) {
    const d = rows[i]!;
    let g = groups.get(d.decisionPoint);
    if (!g) groups.set(d.decisionPoint, (g = { decisionPoint: d.decisionPoint, totalDecisions: 0, selectedCount: 0, contexts: [], seen: new Set() }));
    g.totalDecisions++;
    if (d.confidence > 0.7) g.selectedCount++;
    if (!g.seen.has(d.context)) {
      g.seen.add(d.context);
      g.contexts.push(d.context);
    }
  }
  return [...groups.values()];
}

let counter = 0;
export const nextSeq = () => ++counter;

/** Ranks patterns the way getSimilarPatterns does, for baselines that fetch the candidates themselves. */
export function rankPatterns(
  candidates: Array<{ patternName: string; patternDefinition: unknown; examples: string[] }>,
  context: string,
  threshold: number,
): string {
  const scores = tfidfCosine(
    context,
    candidates.map((p) => [p.patternName, jsonText(p.patternDefinition as JsonValue), p.examples.join(' ')].join(' ')),
  );
  return digest.similar(
    candidates
      .map((p, i) => ({ name: p.patternName, score: scores[i]! }))
      .filter((r) => r.score >= threshold)
      .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1)),
  );
}
