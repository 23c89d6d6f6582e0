import type * as z from 'zod/mini';
import type { Backend, Plan } from './backend.js';
import { changeRow } from './change-log.js';
import { TemporalDbError, type FieldPath } from './errors.js';
import { newId } from './ids.js';
import { jsonEqual, withOptional, type JsonValue } from './json.js';
import { sha256Hex } from './hash.js';
import { encodeKeyString } from './key-codec.js';
import { MAX_IDENTIFIER_BYTES, keyStringProblem } from './key-limits.js';
import type { specificationInputSchema } from './schemas.js';
import { rowAt, rowsIn, span, type HeadRow, type RowOf } from './tables.js';
import type { ChangeRecord, FieldChange, SpecType, Specification, SpecificationConflict, Tombstone } from './types.js';
import { latestVersion, versionAsOf, versionAt, versionTimestamp, versionsOf, wins } from './versioned.js';
import type { PlanContext } from './write-queue.js';

export type ParsedSpecification = z.output<typeof specificationInputSchema> & { hash: string; specId: string };

/**
 * A parsed input with the SHA-256 of its content and the specId a new
 * identifier gets: derived from the identifier (a uuid v8 of its SHA-256), so
 * replicas that each create it offline give it the same one, and their
 * first versions are plain siblings.
 */
export async function withHashes<T extends { content: string; identifier: string }>(input: T) {
  const [hash, h] = await Promise.all([sha256Hex(input.content), sha256Hex(`temporal-db specId ${input.identifier}`)]);
  return { ...input, hash, specId: `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}` };
}
type VersionRow = RowOf<'specifications'>;

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

/** The specification a version row holds; none for a tombstone. */
export function toSpecification(row: VersionRow | undefined): Specification | undefined {
  if (!row || row.deleted) return undefined;
  // Field by field, in the record's order: an object rest (to leave out `ik`) took a fifth of a point read.
  const record = { id: row.id, specId: row.specId, specType: row.specType, identifier: row.identifier, version: row.version, title: row.title, content: row.content } as Specification;
  if (row.author !== undefined) record.author = row.author;
  record.status = row.status;
  record.tags = row.tags;
  record.matrixIds = row.matrixIds;
  record.templateVariables = row.templateVariables;
  record.metadata = row.metadata;
  record.hash = row.hash;
  record.timestamp = row.timestamp;
  record.recordedAt = row.recordedAt;
  return record;
}

const present = (records: Array<Specification | undefined>) => records.filter((record) => record !== undefined);

function fieldChanges(previous: Specification, next: Specification): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of TRACKED_FIELDS) {
    const before = previous[field] as JsonValue | undefined;
    const after = next[field] as JsonValue | undefined;
    if (!jsonEqual(before, after)) changes[field] = withOptional({}, { oldValue: before, newValue: after });
  }
  return changes;
}

/** The head that points at `version` (a specification's or a tombstone). */
export const headOf = (ik: string, version: Specification | Tombstone, firstTimestamp: number): HeadRow => ({
  ik,
  identifier: version.identifier,
  specId: version.specId,
  specType: version.specType,
  latestVersion: version.version,
  latestId: version.id,
  latestTimestamp: version.timestamp,
  firstTimestamp,
  deleted: 'deleted' in version && version.deleted === true,
});

/**
 * The change record of two siblings (versions of one number that replicas
 * wrote without seeing each other): everything in it, its id and timestamp
 * included, comes from the two versions, so every replica that meets them
 * writes the same record, whichever arrived first. The fields that differ go
 * from the lower id's value to the higher one's.
 */
export function conflictOf(one: VersionRow, other: VersionRow): ChangeRecord {
  const [a, b] = one.id < other.id ? [one, other] : [other, one];
  return {
    // Within the key budget of an id however long the two are (uuids are kept whole).
    id: `${a.id.slice(0, 80)}+${b.id.slice(0, 80)}`,
    changeType: 'Conflict',
    specId: b.specId,
    identifier: b.identifier,
    specType: b.specType,
    version: b.version,
    fieldChanges: a.deleted || b.deleted ? {} : fieldChanges(a, b),
    timestamp: Math.max(a.timestamp, b.timestamp),
    recordedAt: Math.max(a.recordedAt, b.recordedAt),
  };
}

/**
 * Adds the version `row` (imported, or pulled from a replica) to the head of
 * its identifier and writes a `Conflict` change for each sibling it has.
 */
export function* planUnion(ctx: PlanContext, head: HeadRow | undefined, row: VersionRow): Plan<void> {
  const first = Math.min(head?.firstTimestamp ?? row.timestamp, row.timestamp);
  if (!head || row.version > head.latestVersion) return ctx.put('heads', headOf(row.ik, row, first));
  for (const sibling of yield* ctx.range('specifications', [row.ik, row.version])) {
    if (sibling.id === row.id) continue;
    const change = conflictOf(sibling, row);
    if (!(yield* ctx.get('changes', [change.timestamp, change.id]))) ctx.insert('changes', changeRow(change, [sibling.id, row.id].sort()));
  }
  if (row.version === head.latestVersion) {
    const current = { timestamp: head.latestTimestamp, id: head.latestId };
    ctx.put('heads', { ...(wins(row, current) ? headOf(row.ik, row, first) : { ...head, firstTimestamp: first }), conflict: true });
  } else if (first < head.firstTimestamp) ctx.put('heads', { ...head, firstTimestamp: first });
}

const latestOf = (head: HeadRow | undefined) => head && { version: head.latestVersion, timestamp: head.latestTimestamp };

/** Adds a version (a specification or a tombstone) and its change record, and moves the head to it. */
function* addVersion(
  ctx: PlanContext,
  head: HeadRow | undefined,
  version: VersionRow,
  changeType: ChangeRecord['changeType'],
  fields: Record<string, FieldChange>,
  extra: { author?: string | undefined; reason?: string | undefined },
): Plan<ChangeRecord> {
  const { ik, specId, identifier, specType, timestamp, recordedAt } = version;
  const change = withOptional<ChangeRecord>(
    { id: newId(), changeType, specId, identifier, specType, version: version.version, fieldChanges: fields, timestamp, recordedAt },
    extra,
  );
  ctx.insert('specifications', version);
  ctx.insert('changes', changeRow(change, head && [head.latestId, version.id]));
  ctx.put('heads', headOf(ik, version, head?.firstTimestamp ?? timestamp));
  return change;
}

export function* planStoreSpecification(ctx: PlanContext, input: ParsedSpecification, now: number): Plan<Specification> {
  const ik = identifierKey(input.identifier);
  const head = yield* ctx.get('heads', [ik]);
  if (head && head.specType !== input.specType) {
    throw new TemporalDbError(
      'SPEC_TYPE_MISMATCH',
      `"${input.identifier}" is a ${head.specType}; it cannot get a ${input.specType} version`,
      { path: ['specType'] },
    );
  }
  const specId = head?.specId ?? input.specId;
  const record = withOptional<Specification>(
    {
      id: newId(),
      specId,
      specType: input.specType,
      identifier: input.identifier,
      version: (head?.latestVersion ?? 0) + 1,
      title: input.title,
      content: input.content,
      status: input.status,
      tags: input.tags,
      matrixIds: input.matrixIds,
      templateVariables: input.templateVariables,
      metadata: input.metadata,
      hash: input.hash,
      timestamp: versionTimestamp(input.timestamp, now, latestOf(head), `"${input.identifier}"`),
      recordedAt: now,
    },
    { author: input.author },
  );
  // The version row itself, not a copy kept in the head: the head stays a small pointer.
  const previous = head && !head.deleted ? toSpecification(yield* ctx.get('specifications', [ik, head.latestVersion, head.latestId])) : undefined;
  yield* addVersion(ctx, head, { ...record, ik }, previous ? 'Update' : 'Create', previous ? fieldChanges(previous, record) : {}, { author: input.author });
  return record;
}

export function* planDeleteSpecification(
  ctx: PlanContext,
  identifier: string,
  options: { author?: string | undefined; reason?: string | undefined; timestamp?: number | undefined },
  now: number,
): Plan<ChangeRecord> {
  const ik = identifierKey(identifier);
  const head = yield* ctx.get('heads', [ik]);
  if (!head || head.deleted) {
    throw new TemporalDbError('NOT_FOUND', `No specification "${identifier}" to delete`, { path: ['identifier'] });
  }
  const extra = { author: options.author, reason: options.reason };
  const tombstone = withOptional<VersionRow>(
    {
      ik,
      version: head.latestVersion + 1,
      id: newId(),
      specId: head.specId,
      specType: head.specType,
      identifier,
      timestamp: versionTimestamp(options.timestamp, now, latestOf(head), `"${identifier}"`),
      recordedAt: now,
      deleted: true,
    },
    extra,
  );
  return yield* addVersion(ctx, head, tombstone, 'Delete', {}, extra);
}

/** The highest version row of an identifier (one reverse range read of length 1); none once deleted. */
export async function readLatest(backend: Backend, identifier: string): Promise<Specification | undefined> {
  return toSpecification(await latestVersion(backend, 'specifications', [identifierKey(identifier)]));
}

export async function readVersion(backend: Backend, identifier: string, version: number) {
  return toSpecification(await versionAt(backend, 'specifications', [identifierKey(identifier)], version));
}

export async function readAsOf(backend: Backend, identifier: string, asOf: number) {
  return toSpecification(await versionAsOf(backend, 'specifications', [identifierKey(identifier)], asOf));
}

export async function readHistory(backend: Backend, identifier: string): Promise<Specification[]> {
  return present((await versionsOf(backend, 'specifications', [identifierKey(identifier)])).map(toSpecification));
}

/** The siblings of each identifier (or of `identifier`) whose latest number has more than one version. */
export async function readConflicts(backend: Backend, identifier?: string): Promise<SpecificationConflict[]> {
  const heads = identifier === undefined ? await allHeads(backend) : [await rowAt(backend, 'heads', [identifierKey(identifier)])];
  const out: SpecificationConflict[] = [];
  for (const head of heads) {
    if (!head?.conflict) continue;
    const versions = await rowsIn(backend, span('specifications', [head.ik, head.latestVersion]));
    out.push({ identifier: head.identifier, version: head.latestVersion, winner: head.latestId, versions: versions.map(({ ik: _ik, ...version }) => version) });
  }
  return out;
}

/** Every head: one small row per identifier. */
export const allHeads = (backend: Backend) => rowsIn(backend, span('heads'));

export async function readList(backend: Backend, options: { specType?: SpecType | undefined; asOf?: number | undefined }): Promise<Specification[]> {
  // One small row per identifier: a type filter reads them all, then one batch of key reads gets the versions.
  const heads = (await allHeads(backend)).filter((head) => options.specType === undefined || head.specType === options.specType);
  const { asOf } = options;
  if (asOf === undefined) {
    const live = heads.filter((head) => !head.deleted);
    const rows = (await backend.getMany('specifications', live.map((head) => [head.ik, head.latestVersion, head.latestId]))) as Array<VersionRow | undefined>;
    return present(rows.map(toSpecification));
  }
  return present(
    await Promise.all(
      heads.map(async (head) => (head.firstTimestamp > asOf ? undefined : toSpecification(await versionAsOf(backend, 'specifications', [head.ik], asOf)))),
    ),
  );
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
  const byIdentifier = (identifier: string) => (isKeyIdentifier(identifier) ? rowAt(backend, 'heads', [identifierKey(identifier)]) : undefined);
  if ('identifier' in by) return byIdentifier(by.identifier);
  const ref = by.ref;
  // The three lookups are independent reads; the order only decides which answer wins.
  const [[head], [version], named] = await Promise.all([
    rowsIn(backend, { table: 'heads', index: 'bySpecId', lower: [ref], upper: [ref] }),
    rowsIn(backend, { table: 'specifications', index: 'byId', lower: [ref], upper: [ref] }),
    byIdentifier(ref),
  ]);
  if (head) return head;
  if (version) return rowAt(backend, 'heads', [version.ik]);
  return named;
}

/**
 * For reads: the specId the given references (a `specId`-style reference
 * and/or an identifier) name; `undefined` when none is given, `null` when
 * one names nothing or they name different specifications.
 */
export async function specIdOf(backend: Backend, refs: { specId?: string | undefined; identifier?: string | undefined }): Promise<string | null | undefined> {
  const given: SpecRef[] = [];
  if (refs.specId !== undefined) given.push({ ref: refs.specId });
  if (refs.identifier !== undefined) given.push({ identifier: refs.identifier });
  if (given.length === 0) return undefined;
  const heads = await Promise.all(given.map((by) => findSpecification(backend, by)));
  const specId = heads[0]?.specId;
  return specId !== undefined && heads.every((head) => head?.specId === specId) ? specId : null;
}

/** The key of a specification that exists and is not deleted; `NOT_FOUND` at `path` otherwise. */
export async function liveSpecification(backend: Backend, by: SpecRef, path: FieldPath): Promise<string> {
  const head = await findSpecification(backend, by);
  if (!head || head.deleted) {
    const name = 'ref' in by ? `"${by.ref}" (specId, version id or identifier)` : `"${by.identifier}"`;
    throw new TemporalDbError('NOT_FOUND', head ? `The specification ${name} is deleted` : `No specification ${name}`, { path });
  }
  return head.ik;
}
