// What the hand-written baselines store, written the lean way a skilled user
// would: each version once, with its content hash, and a small change record
// that names the version instead of copying old and new values (the old value
// of a field is one key read away, in the previous version). No write reads.
import { sha256Hex } from '../../src/core/hash.js';
import type { JsonValue } from '../../src/core/json.js';
import { jsonText, tfidfCosine } from '../../src/core/similarity.js';
import { digest, type DecisionEvent, type SpecVersion } from '../workload.js';

export interface StoredVersion extends SpecVersion {
  id: string;
  hash: string;
  recordedAt: number;
}

/** A version's change record: which version changed, who, when. */
export interface LeanChange {
  changeType: 'Create' | 'Update' | 'Decision';
  identifier: string;
  version: number;
  author: string;
  timestamp: number;
}

/** A workload version as a baseline stores it: with an id, the content hash and the write time. */
export async function toStored(v: SpecVersion): Promise<StoredVersion> {
  return { ...v, id: `v${nextSeq()}`, hash: await sha256Hex(v.content), recordedAt: Date.now() };
}

/** `ingestSpecs` and `storeOne` for a baseline that writes a list of stored versions in one transaction. */
export function specWriters(write: (stored: StoredVersion[]) => unknown) {
  return {
    async ingestSpecs(batch: SpecVersion[]) {
      await write(await Promise.all(batch.map(toStored)));
    },
    async storeOne(version: SpecVersion) {
      await write([await toStored(version)]);
    },
  };
}

// The caller knows the version number, so Create or Update needs no read.
export const changeFor = (v: StoredVersion): LeanChange => ({
  changeType: v.version === 1 ? 'Create' : 'Update',
  identifier: v.identifier,
  version: v.version,
  author: v.author,
  timestamp: v.timestamp,
});

/** A decision as a change (the decision log is the change log of decisions: one write per decision). */
export const decisionAsChange = (d: DecisionEvent): LeanChange => ({
  changeType: 'Decision',
  identifier: d.identifier,
  version: 0,
  author: d.author,
  timestamp: d.timestamp,
});

/** Merges two time-ordered lists (version changes first on equal timestamps, as the oracle orders them). */
export function mergeByTime<T extends { timestamp: number }>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.timestamp <= b[j]!.timestamp ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
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
