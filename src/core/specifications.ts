import { newId } from './ids.js';
import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import { jsonEqual, type JsonValue } from './json.js';
import { encodeKeyString } from './key-codec.js';
import { MAX_IDENTIFIER_BYTES, keyStringProblem } from './key-limits.js';
import type { specificationInputSchema } from './schemas.js';
import { TABLES, highestKey, lowestKey, type Row } from './tables.js';
import type { ChangeRecord, FieldChange, SpecType, Specification } from './types.js';
import type { PlanContext } from './write-queue.js';
import type { Plan } from './backend.js';
import type * as z from 'zod/mini';

export type ParsedSpecification = z.output<typeof specificationInputSchema> & { hash: string };

/** The pointer row kept per identifier in `heads`. */
export interface HeadRow {
  ik: string;
  identifier: string;
  specId: string;
  specType: SpecType;
  latestVersion: number;
  latestTimestamp: number;
  firstTimestamp: number;
  deleted: boolean;
}

type SpecificationRow = Specification & { ik: string; deleted?: false };
interface TombstoneRow {
  ik: string;
  version: number;
  id: string;
  specId: string;
  specType: SpecType;
  identifier: string;
  timestamp: number;
  recordedAt: number;
  deleted: true;
  author?: string;
  reason?: string;
}
type VersionRow = SpecificationRow | TombstoneRow;

/** Fields compared between versions; an `Update` lists those that differ. */
const TRACKED_FIELDS = [
  'title',
  'content',
  'author',
  'status',
  'tags',
  'matrixIds',
  'templateVariables',
  'metadata',
] as const satisfies ReadonlyArray<keyof Specification>;

export const identifierKey = (identifier: string) => encodeKeyString(identifier);

export function toSpecification(row: object | undefined): Specification | undefined {
  if (!row || (row as { deleted?: boolean }).deleted) return undefined;
  const { ik: _ik, ...record } = row as unknown as SpecificationRow;
  return record;
}

function withOptional<T extends object>(record: T, extra: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) (record as Row)[key] = value;
  return record;
}

function fieldChanges(previous: Specification, next: Specification): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of TRACKED_FIELDS) {
    const before = previous[field] as JsonValue | undefined;
    const after = next[field] as JsonValue | undefined;
    if (!jsonEqual(before, after)) changes[field] = withOptional({}, { oldValue: before, newValue: after });
  }
  return changes;
}

/** The timestamp of a new version: as given (never before the previous one), else now. */
function versionTimestamp(given: number | undefined, now: number, head: HeadRow | undefined, identifier: string) {
  if (given === undefined) return Math.max(now, head?.latestTimestamp ?? now);
  if (head && given < head.latestTimestamp) {
    throw new TemporalDbError(
      'OUT_OF_ORDER',
      `Cannot store a version of "${identifier}" at ${new Date(given).toISOString()}: ` +
        `version ${head.latestVersion} is already at ${new Date(head.latestTimestamp).toISOString()}`,
      { path: ['timestamp'] },
    );
  }
  return given;
}

function changeRow(change: ChangeRecord): Row {
  return change as unknown as Row;
}

export function* planStoreSpecification(
  ctx: PlanContext,
  input: ParsedSpecification,
  now: number,
): Plan<Specification> {
  const ik = identifierKey(input.identifier);
  const head = (yield* ctx.get('heads', [ik])) as HeadRow | undefined;
  if (head && head.specType !== input.specType) {
    throw new TemporalDbError(
      'SPEC_TYPE_MISMATCH',
      `"${input.identifier}" is a ${head.specType}; it cannot get a ${input.specType} version`,
      { path: ['specType'] },
    );
  }
  const timestamp = versionTimestamp(input.timestamp, now, head, input.identifier);
  const version = (head?.latestVersion ?? 0) + 1;
  const specId = head?.specId ?? newId();
  const record: Specification = withOptional(
    {
      id: newId(),
      specId,
      specType: input.specType,
      identifier: input.identifier,
      version,
      title: input.title,
      content: input.content,
      status: input.status,
      tags: input.tags,
      matrixIds: input.matrixIds,
      templateVariables: input.templateVariables,
      metadata: input.metadata,
      hash: input.hash,
      timestamp,
      recordedAt: now,
    } as Specification,
    { author: input.author },
  );
  // The version row itself, not a copy kept in the head: the head stays a small pointer.
  const previous = head && !head.deleted ? toSpecification(yield* ctx.get('specifications', [ik, head.latestVersion])) : undefined;
  const change: ChangeRecord = withOptional(
    {
      id: newId(),
      changeType: previous ? 'Update' : 'Create',
      specId,
      identifier: input.identifier,
      specType: input.specType,
      version,
      fieldChanges: previous ? fieldChanges(previous, record) : {},
      timestamp,
      recordedAt: now,
    } as ChangeRecord,
    { author: input.author },
  );
  ctx.insert('specifications', { ...record, ik });
  ctx.insert('changes', changeRow(change));
  ctx.put('heads', {
    ik,
    identifier: input.identifier,
    specId,
    specType: input.specType,
    latestVersion: version,
    latestTimestamp: timestamp,
    firstTimestamp: head?.firstTimestamp ?? timestamp,
    deleted: false,
  } satisfies HeadRow);
  return record;
}

export function* planDeleteSpecification(
  ctx: PlanContext,
  identifier: string,
  options: { author?: string; reason?: string; timestamp?: number },
  now: number,
): Plan<ChangeRecord> {
  const ik = identifierKey(identifier);
  const head = (yield* ctx.get('heads', [ik])) as HeadRow | undefined;
  if (!head || head.deleted) {
    throw new TemporalDbError('NOT_FOUND', `No specification "${identifier}" to delete`, { path: ['identifier'] });
  }
  const timestamp = versionTimestamp(options.timestamp, now, head, identifier);
  const version = head.latestVersion + 1;
  const extra = { author: options.author, reason: options.reason };
  const tombstone: TombstoneRow = withOptional(
    {
      ik,
      version,
      id: newId(),
      specId: head.specId,
      specType: head.specType,
      identifier,
      timestamp,
      recordedAt: now,
      deleted: true,
    } as TombstoneRow,
    extra,
  );
  const change: ChangeRecord = withOptional(
    {
      id: newId(),
      changeType: 'Delete',
      specId: head.specId,
      identifier,
      specType: head.specType,
      version,
      fieldChanges: {},
      timestamp,
      recordedAt: now,
    } as ChangeRecord,
    extra,
  );
  ctx.insert('specifications', tombstone as unknown as Row);
  ctx.insert('changes', changeRow(change));
  // Heads written before schema 2 held a copy of the latest version: it is dropped here.
  const { latest: _latest, ...pointer } = head as HeadRow & { latest?: unknown };
  ctx.put('heads', { ...pointer, latestVersion: version, latestTimestamp: timestamp, deleted: true } satisfies HeadRow);
  return change;
}

const { byTime } = TABLES.specifications.indexes;

/** The version row current at `asOf` (a tombstone included), by one reverse index read. */
async function versionRowAsOf(backend: Backend, ik: string, asOf: number): Promise<VersionRow | undefined> {
  const [row] = await backend.range({
    table: 'specifications',
    index: 'byTime',
    lower: lowestKey(byTime.columns, [ik]),
    upper: highestKey(byTime.columns, [ik, asOf]),
    reverse: true,
    limit: 1,
  });
  return row as VersionRow | undefined;
}

/** The highest version row of an identifier (one reverse range read of length 1); none once deleted. */
export async function readLatest(backend: Backend, identifier: string): Promise<Specification | undefined> {
  const ik = identifierKey(identifier);
  const { key } = TABLES.specifications;
  const [row] = await backend.range({ table: 'specifications', lower: lowestKey(key, [ik]), upper: highestKey(key, [ik]), reverse: true, limit: 1 });
  return toSpecification(row);
}

export async function readVersion(backend: Backend, identifier: string, version: number) {
  return toSpecification(await backend.get('specifications', [identifierKey(identifier), version]));
}

export async function readAsOf(backend: Backend, identifier: string, asOf: number) {
  return toSpecification(await versionRowAsOf(backend, identifierKey(identifier), asOf));
}

export async function readHistory(backend: Backend, identifier: string): Promise<Specification[]> {
  const ik = identifierKey(identifier);
  const rows = await backend.range({
    table: 'specifications',
    lower: lowestKey(TABLES.specifications.key, [ik]),
    upper: highestKey(TABLES.specifications.key, [ik]),
  });
  return rows.map(toSpecification).filter((record): record is Specification => record !== undefined);
}

export async function readList(
  backend: Backend,
  options: { specType?: SpecType; asOf?: number },
): Promise<Specification[]> {
  // One small row per identifier: a type filter reads them all, then one batch of key reads gets the versions.
  const heads = (
    await backend.range({ table: 'heads', lower: lowestKey(TABLES.heads.key, []), upper: highestKey(TABLES.heads.key, []) })
  ).filter((head) => options.specType === undefined || head.specType === options.specType) as unknown as HeadRow[];
  const { asOf } = options;
  if (asOf === undefined) {
    const live = heads.filter((head) => !head.deleted);
    const rows = await backend.getMany('specifications', live.map((head) => [head.ik, head.latestVersion]));
    return rows.map(toSpecification).filter((record): record is Specification => record !== undefined);
  }
  const found = await Promise.all(
    heads.map(async (head) => {
      if (head.firstTimestamp > asOf) return undefined;
      return toSpecification(await versionRowAsOf(backend, head.ik, asOf));
    }),
  );
  return found.filter((record): record is Specification => record !== undefined);
}

/**
 * How a caller names a specification: `ref` is a `specId`, the `id` of one
 * of its versions, or its identifier, tried in that order (an identifier that
 * happens to equal another specification's `specId` or version `id` names
 * that other specification); `identifier` is an identifier only.
 */
export type SpecRef = { ref: string } | { identifier: string };

/** Whether `value` can be an identifier at all (stored ones are well-formed and 1 to 1024 bytes as a key). */
export const isKeyIdentifier = (value: string) =>
  value.length > 0 && keyStringProblem(value, MAX_IDENTIFIER_BYTES) === undefined && value.isWellFormed();

/**
 * The head of the specification `by` names, deleted ones included (their
 * history is still there to read), or `undefined`. The one resolver every
 * call that takes a specification reference goes through.
 */
export async function findSpecification(backend: Backend, by: SpecRef): Promise<HeadRow | undefined> {
  const byIdentifier = (identifier: string) =>
    isKeyIdentifier(identifier) ? (backend.get('heads', [identifierKey(identifier)]) as Promise<HeadRow | undefined>) : undefined;
  if ('identifier' in by) return byIdentifier(by.identifier);
  const ref = by.ref;
  // The three lookups are independent reads; the order only decides which answer wins.
  const [[head], [version], named] = await Promise.all([
    backend.range({ table: 'heads', index: 'bySpecId', lower: [ref], upper: [ref] }),
    backend.range({ table: 'specifications', index: 'byId', lower: [ref], upper: [ref] }),
    byIdentifier(ref),
  ]);
  if (head) return head as unknown as HeadRow;
  if (version) return (await backend.get('heads', [version.ik as string])) as HeadRow | undefined;
  return named;
}
