import type { TemporalDb } from '../../src/index.js';
import { populateSample } from './sample-store.js';
import { exportLines } from '../../src/interchange.js';
import { encodeKeyString } from '../../src/core/key-codec.js';

type Row = Record<string, unknown>;

/**
 * A row as a schema 2 store (temporal-db before siblings) held it: heads
 * without the id of their version, lean changes without the ids they join,
 * commit rows naming versions by [ik, version]. Specification rows are the
 * same; only their key was [ik, version].
 */
export function schema2Row(table: string, row: Row): Row {
  if (table === 'heads') {
    const { latestId: _id, conflict: _conflict, ...head } = row;
    return head;
  }
  if (table === 'changes') {
    const { joins: _joins, ...change } = row;
    return change;
  }
  if (table === 'commits') {
    const writes = (row.writes as unknown[][]).map((key) => (key[0] === 'specifications' || key[0] === 'patterns' ? key.slice(0, 3) : key));
    return { ...row, writes };
  }
  if (table === 'meta' && row.name === 'schemaVersion') return { ...row, value: 2 };
  return row;
}

/** Whether a row did not exist before schema 4 (the decision count). */
export const newInSchema4 = (table: string, row: Row) => table === 'meta' && row.name === 'decisionCount';

/**
 * The `decisions` table schema 2 and 3 kept beside the change log (its key
 * `[timestamp, id]`, its `byPoint` index `[pointKey, timestamp, id]`): one
 * row per Decision change.
 */
export function oldDecisionRows(changes: Row[]): Row[] {
  return changes
    .filter((change) => change.changeType === 'Decision')
    .map((change) => {
      const decision = change.decision as Row;
      return {
        id: change.id,
        timestamp: change.timestamp,
        pointKey: encodeKeyString(decision.decisionPoint as string),
        decisionPoint: decision.decisionPoint,
        selectedOption: decision.selectedOption,
        context: decision.context,
        ...(decision.confidence !== undefined ? { confidence: decision.confidence } : {}),
        specId: change.specId,
        identifier: change.identifier,
        specType: change.specType,
        author: change.author ?? '',
      };
    });
}

/** The sample store with an update (a lean change row) on top, as the store to carry over. */
export async function populateForUpgrade(db: TemporalDb): Promise<void> {
  await populateSample(db);
  const [pattern] = (await db.getSimilarPatterns('repository', 0, 100_000)).map((match) => match.pattern);
  await db.recordPatternUse(pattern!.id, { timestamp: pattern!.timestamp + 1 });
  const latest = (await db.getLatestSpecification('ADR', 'ADR-001'))!;
  await db.storeSpecification({ ...latest, title: 'Renamed', timestamp: latest.timestamp + 1 });
}

const withoutStorage = ({ storage: _storage, ...counts }: Awaited<ReturnType<TemporalDb['statistics']>>) => counts;

/** What a store shows of itself: its record lines and a few reads. */
export async function snapshot(db: TemporalDb) {
  const lines: string[] = [];
  for await (const line of exportLines(db)) lines.push(line);
  return {
    records: lines.slice(1),
    history: await db.getSpecificationHistory('ADR-001'),
    latest: await db.listSpecifications(),
    changes: await db.getChanges(),
    counts: withoutStorage(await db.statistics()),
    patterns: await Promise.all(
      [...new Set(lines.slice(1).map((line) => JSON.parse(line)).filter((line) => line.table === 'patterns').map((line) => line.record.id as string))].map(
        async (id) => [await db.getArchitecturalPattern(id), await db.getPatternHistory(id)],
      ),
    ),
  };
}
