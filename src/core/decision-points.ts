import type * as z from 'zod/mini';
import type { Backend } from './backend.js';
import { planRecordDecision } from './decisions.js';
import { TemporalDbError } from './errors.js';
import { newId } from './ids.js';
import { encodeKeyString } from './key-codec.js';
import type { decisionPointInputSchema } from './schemas.js';
import type { HeadRow } from './specifications.js';
import { TABLES, highestKey, lowestKey, type Row } from './tables.js';
import type { DecisionPointRecord } from './types.js';
import type { PlanContext } from './write-queue.js';
import type { Plan } from './backend.js';

type ParsedDecisionPoint = z.output<typeof decisionPointInputSchema>;
type DecisionPointRow = DecisionPointRecord & { pointKey: string };

const toRecord = ({ pointKey: _p, ...record }: DecisionPointRow): DecisionPointRecord => record;

/** Stores a decision point; each selected option is also recorded as a Decision change, in the same transaction. */
export function* planStoreDecisionPoint(
  ctx: PlanContext,
  ik: string,
  input: ParsedDecisionPoint,
  now: number,
): Plan<DecisionPointRecord> {
  const head = (yield* ctx.get('heads', [ik])) as HeadRow | undefined;
  if (!head || head.deleted) throw new TemporalDbError('NOT_FOUND', 'The specification of this decision point does not exist', { path: ['specificationId'] });
  const timestamp = input.timestamp ?? now;
  const record: DecisionPointRecord = {
    id: newId(),
    specId: head.specId,
    identifier: head.identifier,
    specType: head.specType,
    decisionPoint: input.decisionPoint,
    context: input.context,
    options: input.options.map((option) => {
      const { description, selectionRationale, ...rest } = option;
      return { ...rest, ...(description !== undefined ? { description } : {}), ...(selectionRationale !== undefined ? { selectionRationale } : {}) };
    }),
    metadata: input.metadata,
    timestamp,
    recordedAt: now,
  };
  if (input.author !== undefined) record.author = input.author;
  ctx.insert('decisionPoints', { ...record, pointKey: encodeKeyString(input.decisionPoint) } as unknown as Row);
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

/** The latest record (as of an instant) of each decision point that matches, in time order. */
export async function readDecisionPoints(
  backend: Backend,
  query: { specId?: string; decisionPoint?: string; asOf?: number },
): Promise<DecisionPointRecord[]> {
  const asOf = query.asOf ?? Infinity;
  let rows: DecisionPointRow[];
  if (query.specId !== undefined) {
    const prefix = query.decisionPoint !== undefined ? [query.specId, encodeKeyString(query.decisionPoint)] : [query.specId];
    rows = (await backend.range({
      table: 'decisionPoints',
      lower: lowestKey(TABLES.decisionPoints.key, prefix),
      upper: highestKey(TABLES.decisionPoints.key, prefix),
    })) as unknown as DecisionPointRow[];
  } else {
    const { columns } = TABLES.decisionPoints.indexes.byPoint;
    const pointKey = encodeKeyString(query.decisionPoint!);
    rows = (await backend.range({
      table: 'decisionPoints',
      index: 'byPoint',
      lower: lowestKey(columns, [pointKey]),
      upper: highestKey(columns, [pointKey, asOf]),
    })) as unknown as DecisionPointRow[];
  }
  const latest = new Map<string, DecisionPointRow>();
  for (const row of rows) {
    if (row.timestamp > asOf) continue;
    const key = `${row.specId}\u0000${row.pointKey}`;
    const seen = latest.get(key);
    if (!seen || row.timestamp > seen.timestamp || (row.timestamp === seen.timestamp && row.id > seen.id)) latest.set(key, row);
  }
  return [...latest.values()].sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1)).map(toRecord);
}
