import * as z from 'zod/mini';
import type { Backend } from './backend.js';
import { rowId } from './commit-plan.js';
import { changeRecords, importedChangeRow, type ChangeRow } from './change-log.js';
import { DECISION_COUNT, countDecision } from './decisions.js';
import { TemporalDbError, formatPath } from './errors.js';
import { issueMessage } from './issue-message.js';
import { arrayOf, count, oneOf, parseInput, withDefault } from './fields.js';
import { jsonEqual, type JsonValue } from './json.js';
import {
  changeRecord,
  decisionPointRecord,
  importedRecord,
  patternRecord,
  recommendationRecord,
  specificationRecord,
  tombstoneRecord,
  type PatternRecommendation,
  type Specification,
  type Tombstone,
} from './records.js';
import { patternHead } from './patterns.js';
import { planUnion } from './specifications.js';
import { TABLES, keyOf, span, withKeyColumns, withoutKeyColumns, type CommitRow, type Row, type RowOf, type TableName } from './tables.js';
import type { PlanContext, WriteQueue } from './write-queue.js';
import type { Plan } from './backend.js';
import type { HybridClock } from './hlc.js';
import { observeId } from './ids.js';
import { inSchemaOrder } from './field-order.js';

/** The NDJSON interchange format: a header line, then one tagged record per line. */
export const EXPORT_FORMAT = 'temporal-db';
export const EXPORT_FORMAT_VERSION = 1;

/** The tables an export holds; heads, rollups and the decision count are rebuilt from them on import. */
export const EXPORT_TABLES = ['specifications', 'patterns', 'changes', 'decisionPoints', 'recommendations', 'importedRecords'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  exportedAt: string;
  counts: Record<ExportTable, number>;
}

export interface ImportResult {
  header: ExportHeader;
  /** Records written by this import, per table. */
  added: Record<ExportTable, number>;
  /** Records already in the store (identical), per table. */
  skipped: Record<ExportTable, number>;
}

/** Something an import can read twice (it validates everything before it writes anything). */
export type ImportSource = Blob | (() => ReadableStream<Uint8Array> | AsyncIterable<string | Uint8Array>);

const PAGE = 500;

// Exported tables whose rows a later commit can replace or delete (feedback, purges): an export
// reads them whole with its header. The other exported tables only ever get new rows.
const REPLACEABLE: ReadonlySet<ExportTable> = new Set(['recommendations']);

/**
 * Reads a whole table in key order as of commit `seq`, a page at a time so
 * memory stays flat. Each page is read with the commits made since `seq`, in
 * one read transaction, and leaves out the rows they added.
 */
async function* scanAsOf(backend: Backend, table: TableName, seq: number): AsyncGenerator<Row> {
  const columns = TABLES[table].key;
  const later = new Set<string>();
  let seen = seq;
  const whole = span(table);
  let lower = whole.lower;
  let skipFirst = false;
  for (;;) {
    const limit = PAGE + (skipFirst ? 1 : 0);
    const [rows, commits] = (await backend.read([
      { read: 'range', query: { ...whole, lower, limit } },
      { read: 'range', query: { table: 'commits', lower: [seen + 1], upper: [Infinity] } },
    ])) as [Row[], CommitRow[]];
    for (const commit of commits) {
      seen = commit.seq;
      for (const [name, ...key] of commit.writes) if (name === table) later.add(rowId(table, key));
    }
    const page = (skipFirst ? rows.slice(1) : rows).filter((row) => !later.has(rowId(table, keyOf(columns, row))));
    // A page of change records has its versions read at once, for the values of its updates.
    yield* table === 'changes' ? await changeRecords(backend, page as ChangeRow[]) : page;
    if (rows.length < limit) return;
    lower = keyOf(columns, rows[rows.length - 1]!);
    skipFirst = true;
  }
}

/** A record line with its fields in the schema's order, whatever order the engine kept them in. */
function exportLine(table: ExportTable, row: Row): string {
  const record = withoutKeyColumns(TABLES[table], row);
  const order = table === 'specifications' && 'deleted' in record ? TOMBSTONE_ORDER : RECORD_ORDER[table];
  return JSON.stringify({ table, record: order(record) });
}

/**
 * The export as lines (each ending in a newline): header first, then every
 * record in key order. It is a snapshot: the header's counts, the sequence
 * it was taken at and the tables that can change in place are read in one
 * read transaction, and every later page leaves out what was committed after.
 */
export async function* exportLines(backend: Backend, now: number): AsyncGenerator<string> {
  const [last, replaceable, ...counted] = await backend.read([
    { read: 'last', table: 'commits' },
    { read: 'range', query: span('recommendations') },
    ...EXPORT_TABLES.map((table) => ({ read: 'count' as const, table })),
  ]);
  const seq = (last as CommitRow | undefined)?.seq ?? 0;
  const counts = {} as Record<ExportTable, number>;
  EXPORT_TABLES.forEach((table, i) => (counts[table] = counted[i] as number));
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: new Date(now).toISOString(),
    counts,
  };
  yield JSON.stringify(header) + '\n';
  for (const table of EXPORT_TABLES) {
    const rows = REPLACEABLE.has(table) ? (replaceable as Row[]) : scanAsOf(backend, table, seq);
    for await (const row of rows) yield exportLine(table, row) + '\n';
  }
}

/** Splits a byte or text stream into lines, whatever the chunking. */
export async function* readLines(source: ReadableStream<Uint8Array> | AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  const iterable: AsyncIterable<string | Uint8Array> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<string | Uint8Array>) : streamIterable(source as ReadableStream<Uint8Array>);
  for await (const chunk of iterable) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, at).replace(/\r$/, '');
      pending = pending.slice(at + 1);
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending.replace(/\r$/, '');
}

async function* streamIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The schema of each exported table's records (tombstones aside). */
export const RECORD_SCHEMAS = {
  specifications: specificationRecord,
  patterns: patternRecord,
  changes: changeRecord,
  decisionPoints: decisionPointRecord,
  recommendations: recommendationRecord,
  importedRecords: importedRecord,
};
const RECORD_ORDER = Object.fromEntries(Object.entries(RECORD_SCHEMAS).map(([table, schema]) => [table, inSchemaOrder(schema)])) as Record<ExportTable, (record: Row) => unknown>;
const TOMBSTONE_ORDER = inSchemaOrder(tombstoneRecord);
type OtherTable = Exclude<ExportTable, 'specifications'>;
type ImportLine =
  | { table: 'specifications'; record: Specification | Tombstone }
  | { [T in OtherTable]: { table: T; record: z.output<(typeof RECORD_SCHEMAS)[T]> } }[OtherTable];

// The table picks the record's schema (and `deleted` tells a tombstone from a version),
// so that errors point into the schema that applies.
const lineSchema = z.pipe(
  z.object({ table: oneOf(EXPORT_TABLES), record: z.optional(z.unknown()) }),
  z.transform(({ table, record }, ctx): ImportLine => {
    const tombstone = table === 'specifications' && typeof record === 'object' && record !== null && 'deleted' in record;
    const result = (tombstone ? tombstoneRecord : RECORD_SCHEMAS[table]).safeParse(record, { error: issueMessage });
    if (result.success) return { table, record: result.data } as ImportLine;
    for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, path: ['record', ...issue.path], input: record });
    return z.NEVER;
  }),
);

// Not z.literal: one zod schema class less in every browser bundle.
const exactly = (expected: unknown, message: string) => z.unknown().check(z.refine((value) => value === expected, message));
const countSince = withDefault(count, () => 0);
const headerSchema = z.object({
  format: exactly(EXPORT_FORMAT, `Invalid input: expected "${EXPORT_FORMAT}"`),
  formatVersion: exactly(EXPORT_FORMAT_VERSION, `unknown format version; this temporal-db reads version ${EXPORT_FORMAT_VERSION}`),
  exportedAt: z.string(),
  counts: z.object({
    specifications: count,
    patterns: count,
    changes: count,
    decisionPoints: countSince,
    recommendations: countSince,
    importedRecords: countSince,
  }),
});

/** Where a record is, for errors: `['line', n]` in an import, `['records', i]` in `applyRecords`. */
type At = readonly [string, number];

function recordError(at: At, message: string, path: Array<string | number> = []): TemporalDbError {
  return new TemporalDbError('INVALID_INPUT', `${at[0] === 'line' ? 'Line' : at[0]} ${at[1]}${path.length ? ` at ${formatPath(path)}` : ''}: ${message}`, {
    path: [...at, ...path],
  });
}

function parseValue<S extends z.ZodMiniType>(schema: S, value: unknown, at: At): z.output<S> {
  const result = schema.safeParse(value, { error: issueMessage });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (path[0] === 'table' && issue.code === 'invalid_value') throw recordError(at, `unknown table ${JSON.stringify((value as { table?: unknown }).table)}`, ['table']);
  throw recordError(at, issue.message, path);
}

function parseLine<S extends z.ZodMiniType>(schema: S, text: string, line: number): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw recordError(['line', line], `not JSON (${(error as Error).message})`);
  }
  return parseValue(schema, value, ['line', line]);
}

/** The record of an export line as its table stores it (its key columns filled in). */
function rowOf(item: ImportLine): { table: ExportTable; row: Row } {
  return { table: item.table, row: withKeyColumns(TABLES[item.table], item.record) };
}

async function* numberedLines(source: ImportSource): AsyncGenerator<[number, string]> {
  const open = source instanceof Blob ? () => source.stream() : source;
  let line = 0;
  for await (const text of readLines(open())) {
    line++;
    if (line > 1 && text.trim() === '') continue;
    yield [line, text];
  }
}

/**
 * Checks parsed records against the store before anything is written: a
 * record may exist already, but only unchanged (a recommendation's copies
 * merge instead). Records are checked a chunk at a time (`flush`).
 */
function checker(backend: Backend) {
  let chunk: Array<[At, ImportLine]> = [];
  const flush = async () => {
    const byTable = new Map<TableName, Array<[At, Row]>>();
    for (const [at, item] of chunk) {
      const { table, row } = rowOf(item);
      if (table !== 'recommendations') byTable.set(table, [...(byTable.get(table) ?? []), [at, row]]);
    }
    chunk = [];
    for (const [table, entries] of byTable) {
      let stored: Array<Row | undefined> = await backend.getMany(table, entries.map(([, row]) => keyOf(TABLES[table].key, row)));
      if (table === 'changes') {
        const found = await changeRecords(backend, stored.filter((row) => row !== undefined) as ChangeRow[]);
        stored = stored.map((row) => (row === undefined ? row : found.shift()));
      }
      entries.forEach(([at, row], k) => {
        const current = stored[k];
        if (current && !jsonEqual(current as JsonValue, row as JsonValue)) {
          throw recordError(at, `${table} already holds a different record with key ${JSON.stringify(keyOf(TABLES[table].key, row))}`, ['record']);
        }
      });
    }
  };
  return {
    async add(at: At, item: ImportLine) {
      chunk.push([at, item]);
      if (chunk.length >= PAGE) await flush();
    },
    flush,
  };
}

/**
 * Two copies of one recommendation (its fields never change after it is
 * made, its feedback grows) merge into the same row on every replica: the
 * feedback of both, each once, in time order (ties by action, then reason;
 * `at` has 13 digits from 2001 to 2286, so its keys sort in time order).
 */
function mergeRecommendation(stored: PatternRecommendation, other: PatternRecommendation): PatternRecommendation {
  const feedback = new Map([...stored.feedback, ...other.feedback].map((f) => [JSON.stringify([f.at, f.action, f.reason]), f]));
  return { ...stored, feedback: [...feedback.keys()].sort().map((key) => feedback.get(key)!) };
}

/** Adds one record (and what derives from it) unless the store holds it; whether it was added. */
function* applyRecord(ctx: PlanContext, item: ImportLine, at: At): Plan<boolean> {
  const { table, row } = rowOf(item);
  const stored = yield* ctx.get(table, keyOf(TABLES[table].key, row));
  if (stored) {
    if (item.table !== 'recommendations') return false;
    const merged = mergeRecommendation(stored as PatternRecommendation, item.record as PatternRecommendation);
    if (jsonEqual(merged as JsonValue, stored as JsonValue)) return false;
    ctx.put('recommendations', merged);
    return true;
  }
  ctx.insert(table, (item.table === 'changes' ? yield* importedChangeRow(ctx, item.record) : row) as RowOf<typeof table>);
  if (item.table === 'specifications') {
    yield* planUnion(ctx, yield* ctx.get('heads', [row.ik as string]), row as RowOf<'specifications'>);
  } else if (item.table === 'patterns') {
    const pattern = item.record;
    const head = yield* ctx.get('patternHeads', [pattern.id]);
    // Of siblings, the later timestamp wins, then the later recordedAt (their keys differ there).
    const order = head ? pattern.version - head.version || pattern.timestamp - head.timestamp || pattern.recordedAt - head.recordedAt : 1;
    if (order > 0) ctx.put('patternHeads', patternHead(pattern));
  } else if (item.table === 'changes' && item.record.changeType === 'Decision') {
    const change = item.record;
    if (!change.decision) throw recordError(at, 'a Decision change needs its decision', ['record', 'decision']);
    yield* countDecision(ctx, change);
  }
  return true;
}

const perTable = () => ({ specifications: 0, patterns: 0, changes: 0, decisionPoints: 0, recommendations: 0, importedRecords: 0 });

/**
 * Plans records in order as one batch; how many of each table were added and
 * skipped. The store's clock learns the times they were recorded at and their
 * ids first, so what it writes later sorts after them.
 */
function* applyAll(ctx: PlanContext, items: ReadonlyArray<readonly [At, ImportLine]>, clock: HybridClock): Plan<Pick<ImportResult, 'added' | 'skipped'>> {
  const added = perTable();
  const skipped = perTable();
  let seen = -Infinity;
  for (const [, { record }] of items) {
    const { id, recordedAt, createdAt } = record as { id: string; recordedAt?: number; createdAt?: number };
    seen = Math.max(seen, recordedAt ?? createdAt ?? seen);
    observeId(id);
  }
  yield* clock.tick(ctx, seen);
  for (const [at, item] of items) ((yield* applyRecord(ctx, item, at)) ? added : skipped)[item.table]++;
  return { added, skipped };
}

/**
 * Imports an export: every line is parsed and checked first, and nothing is
 * written unless all of them are valid. Records already in the store are
 * skipped, so importing twice, or again after an interrupted import, adds
 * nothing twice; a version of a number the store holds with another id is
 * kept beside it (a sibling, see `planUnion`).
 */
export async function importLines(backend: Backend, writes: WriteQueue, source: ImportSource, clock: HybridClock): Promise<ImportResult> {
  let header: ExportHeader | undefined;
  const seen = perTable();
  const check = checker(backend);
  for await (const [line, text] of numberedLines(source)) {
    if (line === 1) {
      header = parseLine(headerSchema, text, 1) as ExportHeader;
      continue;
    }
    const item = parseLine(lineSchema, text, line);
    seen[item.table]++;
    await check.add(['line', line], item);
  }
  await check.flush();
  if (!header) throw recordError(['line', 1], 'empty input: expected a temporal-db export header');
  for (const table of EXPORT_TABLES) {
    if (seen[table] !== header.counts[table]) {
      throw recordError(['line', 1], `the header counts ${header.counts[table]} ${table} records but the file holds ${seen[table]}`, ['counts', table]);
    }
  }

  const added = perTable();
  const skipped = perTable();
  let chunk: Array<[At, ImportLine]> = [];
  const apply = async () => {
    const items = chunk;
    chunk = [];
    const done = await writes.run((ctx) => applyAll(ctx, items, clock));
    for (const table of EXPORT_TABLES) {
      added[table] += done.added[table];
      skipped[table] += done.skipped[table];
    }
  };
  for await (const [line, text] of numberedLines(source)) {
    if (line === 1) continue;
    chunk.push([['line', line], parseLine(lineSchema, text, line)]);
    if (chunk.length >= PAGE) await apply();
  }
  if (chunk.length > 0) await apply();
  return { header, added, skipped };
}

/** What `applyRecords` takes besides the records. */
export interface ApplyOptions {
  /** Rows of the `meta` table written in the same commit (a replication checkpoint). */
  meta?: ReadonlyArray<{ name: string; value: unknown }>;
}

/** The `meta` rows temporal-db keeps itself, which no caller may set. */
const OWN_META = ['schemaVersion', 'clock', DECISION_COUNT];

const applyOptions = z.object({
  meta: z.optional(
    arrayOf(z.object({ name: z.string().check(z.refine((name) => !OWN_META.includes(name), 'temporal-db writes this row itself')), value: z.unknown() })),
  ),
});

/**
 * Applies tagged records (`{ table, record }`, the objects export lines hold)
 * as one commit, all or nothing, checked as an import checks lines (an
 * error's path is `['records', i, ...]`): what `temporal-db/sync` calls per
 * page pulled, with the store's `backend`, a write queue and `hlc`. The
 * `options.meta` rows (`{ name, value }`, such as a sync checkpoint) go into
 * the `meta` table in the same commit, so they never get ahead of the
 * records. Records already held are skipped. Not on `TemporalDb`, so that
 * the browser root entry does not carry it.
 *
 * @example
 * const { added } = await applyRecords(db['backend'], db['writes'], page.records, { meta: [{ name: 'sync:pull', value: page.seq }] }, db['hlc']);
 */
export async function applyRecords(backend: Backend, writes: Pick<WriteQueue, 'run'>, records: readonly unknown[], options: ApplyOptions, clock: HybridClock) {
  if (!Array.isArray(records)) throw new TemporalDbError('INVALID_INPUT', 'records must be an array', { path: ['records'] });
  const meta = parseInput(applyOptions, options, ['options']).meta ?? [];
  const check = checker(backend);
  const items: Array<[At, ImportLine]> = [];
  for (const [i, record] of records.entries()) {
    const item = parseValue(lineSchema, record, ['records', i]);
    await check.add(['records', i], item);
    items.push([['records', i], item]);
  }
  await check.flush();
  return writes.run(function* (ctx) {
    const result = yield* applyAll(ctx, items, clock);
    for (const row of meta) ctx.put('meta', row as RowOf<'meta'>);
    return result;
  });
}

/**
 * Lines joined into chunks of at least `size` characters (the last one may be
 * shorter): a write (and an HTTP chunk) per line costs a writer several times
 * what reading the store does.
 */
export async function* joinedLines(lines: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Export lines as a byte stream, in chunks of many lines. */
export function exportStream(source: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const chunks = joinedLines(source);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** Writes export lines to a WritableStream or hands each to a callback. */
export async function exportTo(source: AsyncIterable<string>, target: WritableStream<Uint8Array> | ((line: string) => unknown)): Promise<void> {
  if (typeof target !== 'function') return exportStream(source).pipeTo(target);
  for await (const line of source) await target(line);
}
