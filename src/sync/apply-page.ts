// Commits one page of record lines, with whatever the caller adds (a
// checkpoint), as one batch: all of it or nothing. Records already held are
// skipped, so a page applied twice adds nothing twice.
// INTERIM until branch `union` lands its records entry point (siblings, HLC):
// this applies records the way the import does, minus its cross-checks.
import type { Plan } from '../core/backend.js';
import { importedChangeRow } from '../core/change-log.js';
import { decisionRowOf, recordDecisionRow } from '../core/decisions.js';
import { TemporalDbError } from '../core/errors.js';
import type { ExportTable } from '../core/interchange.js';
import { issueMessage } from '../core/issue-message.js';
import { patternHead } from '../core/patterns.js';
import {
  changeRecord,
  decisionPointRecord,
  importedRecord,
  patternRecord,
  recommendationRecord,
  specificationRecord,
  tombstoneRecord,
  type ChangeRecord,
  type Specification,
  type Tombstone,
  type ArchitecturalPattern,
} from '../core/records.js';
import { headOf, identifierKey } from '../core/specifications.js';
import { TABLES, keyOf, withKeyColumns, type Row, type RowOf } from '../core/tables.js';
import type { PlanContext } from '../core/write-queue.js';
import type { Internals } from './internals.js';
import type { RecordLine } from './protocol.js';

const SCHEMAS = {
  specifications: specificationRecord,
  patterns: patternRecord,
  changes: changeRecord,
  decisionPoints: decisionPointRecord,
  recommendations: recommendationRecord,
  importedRecords: importedRecord,
} as const;

export interface AppliedPage {
  added: number;
  skipped: number;
}

/** Checks a record line against its table's schema; `INVALID_INPUT` with the line's index in `path`. */
export function parseRecordLine(value: unknown, index: number): RecordLine {
  const line = value as { table?: unknown; record?: unknown } | null;
  const table = line?.table;
  if (typeof line !== 'object' || line === null || typeof table !== 'string' || !Object.hasOwn(SCHEMAS, table)) {
    throw new TemporalDbError('INVALID_INPUT', `Record ${index}: not a record line of an exported table`, { path: [index, 'table'] });
  }
  const record = line.record;
  const tombstone = table === 'specifications' && typeof record === 'object' && record !== null && 'deleted' in record;
  const result = (tombstone ? tombstoneRecord : SCHEMAS[table as ExportTable]).safeParse(record, { error: issueMessage });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = [index, 'record', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    throw new TemporalDbError('INVALID_INPUT', `Record ${index}: ${issue.message}`, { path });
  }
  return { table: table as ExportTable, record: result.data as Record<string, unknown> };
}

function* applyRecord(ctx: PlanContext, line: RecordLine): Plan<boolean> {
  const table = line.table;
  const row = withKeyColumns(TABLES[table], line.record as Row) as RowOf<typeof table>;
  if (yield* ctx.get(table, keyOf(TABLES[table].key, row))) return false;
  ctx.insert(table, (table === 'changes' ? yield* importedChangeRow(ctx, line.record as ChangeRecord) : row) as RowOf<typeof table>);
  if (table === 'specifications') {
    const record = line.record as Specification | Tombstone;
    const ik = identifierKey(record.identifier);
    const head = yield* ctx.get('heads', [ik]);
    if (!head || record.version > head.latestVersion) {
      ctx.put('heads', headOf(ik, record, Math.min(head?.firstTimestamp ?? record.timestamp, record.timestamp)));
    }
  } else if (table === 'patterns') {
    const pattern = line.record as ArchitecturalPattern;
    const head = yield* ctx.get('patternHeads', [pattern.id]);
    if (!head || pattern.version > head.version) ctx.put('patternHeads', patternHead(pattern));
  } else if (table === 'changes' && (line.record as ChangeRecord).changeType === 'Decision') {
    yield* recordDecisionRow(ctx, decisionRowOf(line.record as ChangeRecord));
  }
  return true;
}

/**
 * Applies parsed record lines and runs `also` in the same plan, so that what
 * it writes (a checkpoint) commits with the records or not at all.
 */
export async function applyPage(store: Internals, lines: readonly RecordLine[], also?: (ctx: PlanContext) => Plan<void>): Promise<AppliedPage> {
  // Alone in its commit: the commit's keys then say where every record in it came from.
  return store.writes.run(function* (ctx) {
    let added = 0;
    for (const line of lines) if (yield* applyRecord(ctx, line)) added++;
    if (also) yield* also(ctx);
    return { added, skipped: lines.length - added };
  }, true);
}
