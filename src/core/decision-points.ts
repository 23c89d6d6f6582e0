import type * as z from 'zod/mini';
import type { Backend } from './backend.js';
import { planRecordDecision } from './decisions.js';
import { TemporalDbError } from './errors.js';
import { newId } from './ids.js';
import { encodeKeyString } from './key-codec.js';
import type { decisionPointInputSchema } from './schemas.js';
import { withOptional } from './json.js';
import { rowsIn, span, type RowOf } from './tables.js';
import { latestEach } from './versioned.js';
import type { DecisionPointRecord } from './types.js';
import type { PlanContext } from './write-queue.js';
import type { Plan } from './backend.js';

type ParsedDecisionPoint = z.output<typeof decisionPointInputSchema>;
type DecisionPointRow = RowOf<'decisionPoints'>;

const toRecord = ({ pointKey: _p, ...record }: DecisionPointRow): DecisionPointRecord => record;

/** Stores a decision point; each selected option is also recorded as a Decision change, in the same transaction. */
export function* planStoreDecisionPoint(
  ctx: PlanContext,
  ik: string,
  input: ParsedDecisionPoint,
  now: number,
): Plan<DecisionPointRecord> {
  const head = yield* ctx.get('heads', [ik]);
  if (!head || head.deleted) throw new TemporalDbError('NOT_FOUND', 'The specification of this decision point does not exist', { path: ['specificationId'] });
  const timestamp = input.timestamp ?? now;
  const record = withOptional<DecisionPointRecord>({
    id: newId(),
    specId: head.specId,
    identifier: head.identifier,
    specType: head.specType,
    decisionPoint: input.decisionPoint,
    context: input.context,
    options: input.options.map(({ description, selectionRationale, ...rest }) => withOptional(rest, { description, selectionRationale })),
    metadata: input.metadata,
    timestamp,
    recordedAt: now,
  }, { author: input.author });
  ctx.insert('decisionPoints', { ...record, pointKey: encodeKeyString(input.decisionPoint) });
  for (const option of record.options.filter((o) => o.selected)) {
    yield* planRecordDecision(
      ctx,
      ik,
      {
        decisionPoint: input.decisionPoint,
        selectedOption: option.optionName,
        context: input.context,
        author: input.author ?? 'unknown',
        confidence: input.confidence,
        timestamp,
      },
      now,
    );
  }
  return record;
}

/**
 * The latest record (as of an instant) of each decision point that matches, in time order. A
 * decision point's versions are its records: each store adds one, keyed by time, with no pointer.
 */
export async function readDecisionPoints(
  backend: Backend,
  query: { specId?: string; decisionPoint?: string; asOf?: number },
): Promise<DecisionPointRecord[]> {
  const asOf = query.asOf ?? Infinity;
  const pointKey = query.decisionPoint !== undefined ? encodeKeyString(query.decisionPoint) : undefined;
  let rows: DecisionPointRow[];
  if (query.specId !== undefined) {
    rows = await rowsIn(backend, span('decisionPoints', pointKey !== undefined ? [query.specId, pointKey] : [query.specId]));
  } else {
    rows = await rowsIn(backend, span('decisionPoints', [pointKey!], [pointKey!, asOf], 'byPoint'));
  }
  return latestEach(rows, (row) => `${row.specId}\u0000${row.pointKey}`, asOf)
    .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1))
    .map(toRecord);
}
