import { newId } from './ids.js';
import type { Backend, RangeQuery } from './backend.js';
import { TemporalDbError } from './errors.js';
import { encodeKeyString } from './key-codec.js';
import type { HeadRow } from './specifications.js';
import { TABLES, highestKey, lowestKey, type Row } from './tables.js';
import type { ChangeRecord, ChangeType, DecisionPatternAnalysis, SpecType } from './types.js';
import type { PlanContext } from './write-queue.js';

/** A decision as kept in the `decisions` table, the time-ordered source of analyses. */
interface DecisionRow {
  id: string;
  timestamp: number;
  pointKey: string;
  decisionPoint: string;
  selectedOption: string;
  context: string;
  confidence: number;
  specId: string;
  identifier: string;
  specType: SpecType;
  author: string;
}

/** Confidence above which a decision counts as selected in an analysis. */
export const SELECTED_CONFIDENCE = 0.7;

export interface ParsedDecision {
  decisionPoint: string;
  selectedOption: string;
  context: string;
  author: string;
  confidence: number;
  timestamp?: number;
}

export async function planRecordDecision(
  ctx: PlanContext,
  ik: string,
  input: ParsedDecision,
  now: number,
): Promise<ChangeRecord> {
  const head = (await ctx.get('heads', [ik])) as HeadRow | undefined;
  if (!head || head.deleted) throw new TemporalDbError('NOT_FOUND', 'The specification of this decision no longer exists', { path: ['specId'] });
  const timestamp = input.timestamp ?? now;
  const id = newId();
  const decision = {
    decisionPoint: input.decisionPoint,
    selectedOption: input.selectedOption,
    context: input.context,
    confidence: input.confidence,
  };
  const change: ChangeRecord = {
    id,
    changeType: 'Decision',
    specId: head.specId,
    identifier: head.identifier,
    specType: head.specType,
    version: head.latestVersion,
    fieldChanges: {},
    author: input.author,
    decision,
    timestamp,
    recordedAt: now,
  };
  ctx.insert('changes', change as unknown as Row);
  ctx.insert('decisions', {
    id,
    timestamp,
    pointKey: encodeKeyString(input.decisionPoint),
    ...decision,
    specId: head.specId,
    identifier: head.identifier,
    specType: head.specType,
    author: input.author,
  } satisfies DecisionRow);
  return change;
}

/** Groups the decisions taken in [since, until] by decision point; reads only that window. */
export async function analyzeDecisions(backend: Backend, since: number, until: number) {
  const rows = (await backend.range({
    table: 'decisions',
    lower: lowestKey(TABLES.decisions.key, [since]),
    upper: highestKey(TABLES.decisions.key, [until]),
  })) as unknown as DecisionRow[];
  const groups = new Map<string, { analysis: DecisionPatternAnalysis; types: Map<SpecType, number>; seen: Set<string> }>();
  // Newest first, so contexts come out most recent first.
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    let group = groups.get(row.decisionPoint);
    if (!group) {
      group = {
        analysis: {
          decisionPoint: row.decisionPoint,
          specType: row.specType,
          totalDecisions: 0,
          selectedCount: 0,
          contexts: [],
          options: {},
          firstDecisionAt: row.timestamp,
          lastDecisionAt: row.timestamp,
        },
        types: new Map(),
        seen: new Set(),
      };
      groups.set(row.decisionPoint, group);
    }
    const { analysis } = group;
    analysis.totalDecisions++;
    if (row.confidence > SELECTED_CONFIDENCE) analysis.selectedCount++;
    analysis.options[row.selectedOption] = (analysis.options[row.selectedOption] ?? 0) + 1;
    analysis.firstDecisionAt = row.timestamp;
    if (row.context && !group.seen.has(row.context)) {
      group.seen.add(row.context);
      analysis.contexts.push(row.context);
    }
    group.types.set(row.specType, (group.types.get(row.specType) ?? 0) + 1);
  }
  const result: DecisionPatternAnalysis[] = [];
  for (const { analysis, types } of groups.values()) {
    analysis.specType = [...types].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    result.push(analysis);
  }
  return result.sort(
    (a, b) => b.totalDecisions - a.totalDecisions || (a.decisionPoint < b.decisionPoint ? -1 : a.decisionPoint > b.decisionPoint ? 1 : 0),
  );
}

/** Change records in time order, read through whichever index narrows the query most. */
export async function readChanges(
  backend: Backend,
  filter: { specId?: string; changeType?: ChangeType; since?: number; until?: number; limit?: number },
): Promise<ChangeRecord[]> {
  const since = filter.since ?? -Infinity;
  const until = filter.until ?? Infinity;
  let query: RangeQuery;
  if (filter.specId !== undefined) {
    const { columns } = TABLES.changes.indexes.bySpec;
    query = {
      table: 'changes',
      index: 'bySpec',
      lower: lowestKey(columns, [filter.specId, since]),
      upper: highestKey(columns, [filter.specId, until]),
    };
  } else if (filter.changeType !== undefined) {
    const { columns } = TABLES.changes.indexes.byType;
    query = {
      table: 'changes',
      index: 'byType',
      lower: lowestKey(columns, [filter.changeType, since]),
      upper: highestKey(columns, [filter.changeType, until]),
    };
  } else {
    query = {
      table: 'changes',
      lower: lowestKey(TABLES.changes.key, [since]),
      upper: highestKey(TABLES.changes.key, [until]),
    };
  }
  const filterType = filter.specId !== undefined && filter.changeType !== undefined;
  if (!filterType && filter.limit !== undefined) query = { ...query, limit: filter.limit };
  let rows = (await backend.range(query)) as unknown as ChangeRecord[];
  if (filterType) rows = rows.filter((row) => row.changeType === filter.changeType);
  return filter.limit !== undefined ? rows.slice(0, filter.limit) : rows;
}
