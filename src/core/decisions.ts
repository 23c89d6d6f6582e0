import { changeRecords, changeRow, type ChangeRow } from './change-log.js';
import { newId } from './ids.js';
import type { Backend, RangeQuery } from './backend.js';
import { withOptional } from './json.js';
import { TemporalDbError } from './errors.js';
import { encodeKeyString } from './key-codec.js';
import { rowsIn, span, type RollupRow } from './tables.js';
import type { ChangeRecord, ChangeType, DecisionDetails, DecisionPatternAnalysis, SpecType } from './types.js';
import { DAY_MS } from './time.js';
import type { PlanContext } from './write-queue.js';
import type { Plan } from './backend.js';

/** Confidence above which a decision counts as selected in an analysis. */
export const SELECTED_CONFIDENCE = 0.7;

/** As the original counts: strictly above 0.7; a decision without a confidence (its NULL) is never selected. */
const isSelected = (confidence: number | undefined) => confidence !== undefined && confidence > SELECTED_CONFIDENCE;

export interface ParsedDecision {
  decisionPoint: string;
  selectedOption: string;
  context: string;
  author: string;
  confidence?: number | undefined;
  timestamp?: number | undefined;
}

export function* planRecordDecision(
  ctx: PlanContext,
  ik: string,
  input: ParsedDecision,
  now: number,
): Plan<ChangeRecord> {
  const head = yield* ctx.get('heads', [ik]);
  if (!head || head.deleted) throw new TemporalDbError('NOT_FOUND', 'The specification of this decision no longer exists', { path: ['specId'] });
  const timestamp = input.timestamp ?? now;
  const id = newId();
  const decision = withOptional<DecisionDetails>(
    { decisionPoint: input.decisionPoint, selectedOption: input.selectedOption, context: input.context },
    { confidence: input.confidence },
  );
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
  ctx.insert('changes', changeRow(change));
  yield* countDecision(ctx, change);
  return change;
}

/** What a rollup needs of a decision: its change record or row. */
type Decided = Pick<ChangeRecord, 'id' | 'timestamp' | 'specType' | 'decision'>;

/** The `meta` row that counts the store's decisions (they are never deleted). */
export const DECISION_COUNT = 'decisionCount';

/**
 * Adds a Decision change (already written to `changes`) to its day's rollup
 * and to the store's decision count: every path that adds a decision (record,
 * import, sync) comes through here.
 */
export function* countDecision(ctx: PlanContext, change: ChangeRecord): Plan<void> {
  const day = Math.floor(change.timestamp / DAY_MS);
  const pointKey = encodeKeyString(change.decision!.decisionPoint);
  const rollup = yield* ctx.get('decisionRollups', [day, pointKey]);
  ctx.put('decisionRollups', addToRollup(rollup, change, day, pointKey));
  const count = yield* ctx.get('meta', [DECISION_COUNT]);
  ctx.put('meta', { name: DECISION_COUNT, value: ((count?.value as number | undefined) ?? 0) + 1 });
}

const later = (ts: number, id: string, thanTs: number, thanId: string) => ts > thanTs || (ts === thanTs && id > thanId);

function bump<K>(pairs: Array<[K, number]>, key: K, by = 1): void {
  const pair = pairs.find((p) => p[0] === key);
  if (pair) pair[1] += by;
  else pairs.push([key, by]);
}

/** A copy of `rollup` (never changed in place: an earlier plan of the batch may own it) with `row` added. */
function addToRollup(rollup: RollupRow | undefined, row: Decided, day: number, pointKey: string): RollupRow {
  const { decisionPoint, selectedOption, context, confidence } = row.decision!;
  const next: RollupRow = rollup
    ? {
        ...rollup,
        options: rollup.options.map((p) => [...p]),
        specTypes: rollup.specTypes.map((p) => [...p]),
        contexts: rollup.contexts.map((c) => [...c]),
      }
    : {
        day,
        pointKey,
        decisionPoint,
        total: 0,
        selected: 0,
        first: row.timestamp,
        last: row.timestamp,
        options: [],
        specTypes: [],
        contexts: [],
      };
  next.total++;
  if (isSelected(confidence)) next.selected++;
  next.first = Math.min(next.first, row.timestamp);
  next.last = Math.max(next.last, row.timestamp);
  bump(next.options, selectedOption);
  bump(next.specTypes, row.specType);
  if (context) {
    const seen = next.contexts.find((c) => c[0] === context);
    if (!seen) next.contexts.push([context, row.timestamp, row.id]);
    else if (later(row.timestamp, row.id, seen[1], seen[2])) [seen[1], seen[2]] = [row.timestamp, row.id];
  }
  return next;
}

interface Group {
  decisionPoint: string;
  total: number;
  selected: number;
  first: number;
  last: number;
  options: Map<string, number>;
  specTypes: Map<SpecType, number>;
  contexts: Map<string, [number, string]>;
}

function mergeInto(groups: Map<string, Group>, rollup: RollupRow): void {
  let group = groups.get(rollup.decisionPoint);
  if (!group) {
    group = {
      decisionPoint: rollup.decisionPoint,
      total: 0,
      selected: 0,
      first: rollup.first,
      last: rollup.last,
      options: new Map(),
      specTypes: new Map(),
      contexts: new Map(),
    };
    groups.set(rollup.decisionPoint, group);
  }
  group.total += rollup.total;
  group.selected += rollup.selected;
  group.first = Math.min(group.first, rollup.first);
  group.last = Math.max(group.last, rollup.last);
  for (const [option, count] of rollup.options) group.options.set(option, (group.options.get(option) ?? 0) + count);
  for (const [type, count] of rollup.specTypes) group.specTypes.set(type, (group.specTypes.get(type) ?? 0) + count);
  for (const [context, ts, id] of rollup.contexts) {
    const seen = group.contexts.get(context);
    if (!seen || later(ts, id, seen[0], seen[1])) group.contexts.set(context, [ts, id]);
  }
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups the decisions taken in [since, until] by decision point. Whole days
 * inside the window come from the daily rollups; only the partial first and
 * last days are read decision by decision. Nothing outside the window is read.
 */
export async function analyzeDecisions(backend: Backend, since: number, until: number) {
  if (until < since) return [];
  const firstDay = Math.floor(since / DAY_MS);
  const lastDay = Math.floor(until / DAY_MS);
  // The partial days' decisions come from the change log, among the other changes of those days.
  const decisionsIn = (from: number, to: number) => rowsIn(backend, span('changes', [from], [to]));
  const groups = new Map<string, Group>();
  const addRows = (rows: ChangeRow[]) => {
    for (const row of rows) if (row.changeType === 'Decision' && row.decision) mergeInto(groups, addToRollup(undefined, row, 0, ''));
  };
  if (lastDay - firstDay < 2) {
    addRows(await decisionsIn(since, until));
  } else {
    addRows(await decisionsIn(since, (firstDay + 1) * DAY_MS - 1));
    for (const rollup of await rowsIn(backend, span('decisionRollups', [firstDay + 1], [lastDay - 1]))) mergeInto(groups, rollup);
    addRows(await decisionsIn(lastDay * DAY_MS, until));
  }
  const result: DecisionPatternAnalysis[] = [...groups.values()].map((group) => ({
    decisionPoint: group.decisionPoint,
    specType: [...group.specTypes].sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0]))[0]![0],
    totalDecisions: group.total,
    selectedCount: group.selected,
    // Most recent first, as decision records read newest first would give them.
    contexts: [...group.contexts]
      .sort((a, b) => b[1][0] - a[1][0] || byCodeUnits(b[1][1], a[1][1]))
      .map(([context]) => context),
    options: Object.fromEntries([...group.options].sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0]))),
    firstDecisionAt: group.first,
    lastDecisionAt: group.last,
  }));
  return result.sort((a, b) => b.totalDecisions - a.totalDecisions || byCodeUnits(a.decisionPoint, b.decisionPoint));
}

const CHUNK = 512;

/**
 * Change records in time order, from the time-ordered table or, for one
 * specification, its index. A type filter is applied while reading, chunk by
 * chunk, so a `limit` stops the read early.
 */
export async function readChanges(
  backend: Backend,
  filter: { specId?: string; changeType?: ChangeType; since?: number; until?: number; limit?: number; newestFirst?: boolean },
): Promise<ChangeRecord[]> {
  return changeRecords(backend, await changeRows(backend, filter));
}

async function changeRows(
  backend: Backend,
  filter: { specId?: string; changeType?: ChangeType; since?: number; until?: number; limit?: number; newestFirst?: boolean },
): Promise<ChangeRow[]> {
  const since = filter.since ?? -Infinity;
  const until = filter.until ?? Infinity;
  const bySpec = filter.specId !== undefined;
  const prefix = bySpec ? [filter.specId!] : [];
  const reverse = filter.newestFirst === true;
  const query = { ...span('changes', [...prefix, since], [...prefix, until], bySpec ? 'bySpec' : undefined), reverse };
  const limit = filter.limit ?? Infinity;
  if (filter.changeType === undefined) {
    return rowsIn(backend, filter.limit === undefined ? query : { ...query, limit });
  }
  const found: ChangeRow[] = [];
  let { lower, upper }: RangeQuery = query;
  let after: string | undefined;
  for (;;) {
    const chunk = await rowsIn(backend, { ...query, lower, upper, limit: CHUNK });
    for (const row of chunk) {
      // Each chunk starts at the last row of the one before; skip it.
      if (row.id === after) continue;
      if (row.changeType === filter.changeType) found.push(row);
      if (found.length >= limit) return found;
    }
    if (chunk.length < CHUNK) return found;
    const last = chunk[chunk.length - 1]!;
    if (reverse) upper = [...prefix, last.timestamp, last.id];
    else lower = [...prefix, last.timestamp, last.id];
    after = last.id;
  }
}
