import { v5 as uuidv5, validate as isUuid } from 'uuid';
import { normalizeStatus } from '../adr/parse-adr.js';
import { TemporalDbError } from '../core/errors.js';
import type { TemporalDb } from '../core/temporal-db.js';
import {
  PATTERN_TYPES,
  SPEC_STATUSES,
  SPEC_TYPES,
  type ImportedRecord,
  type JsonValue,
  type PatternInput,
  type SpecStatus,
  type SpecType,
  type SpecificationInput,
} from '../core/types.js';

/**
 * One entry of the original store, whichever form it came in: a sled/redb
 * key/value pair, a row of the Python adapter's SQLite file, or a JSON file.
 * Values are the original snake_case JSON.
 */
export interface LegacyEntry {
  table: string;
  /** Where it came from: the original key, `sqlite:<table>:<rowid>`, or a file name. */
  source: string;
  value: Record<string, unknown>;
  /** The original time in nanoseconds, exactly (it exceeds 2^53), when known. */
  nanos?: bigint;
  /** The identifier (for specs) or id (patterns, changes) the key names. */
  keyId?: string;
  /** The time (ms) the source names outside the value, e.g. in a file name; a `timestamp` in the value wins. */
  sourceTime?: number;
}

export interface LegacyImportResult {
  specificationVersions: number;
  patternVersions: number;
  decisions: number;
  /** Entries kept as imported records (changes other than decisions, other tables, JSON files). */
  importedRecords: number;
  /** Entries already imported by an earlier run. */
  skipped: number;
}

// Stable ids for legacy ids that are not uuids, so a second run finds what the first stored.
const LEGACY_NAMESPACE = '6f1d1b5e-5a47-4d0e-9a51-2c1f4f0b7a10';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const unitInterval = (v: unknown) => (typeof v === 'number' && v >= 0 && v <= 1 ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `spec:ADR:001:1700000000123456789` → prefix `spec`, id `ADR:001`, nanos (the id may hold colons). */
export function parseLegacyKey(key: string): { prefix: string; id: string; nanos?: bigint } {
  const first = key.indexOf(':');
  const last = key.lastIndexOf(':');
  if (first < 0) return { prefix: key, id: '' };
  const tail = key.slice(last + 1);
  if (last > first && /^\d+$/.test(tail)) return { prefix: key.slice(0, first), id: key.slice(first + 1, last), nanos: BigInt(tail) };
  return { prefix: key.slice(0, first), id: key.slice(first + 1) };
}

/** Milliseconds from nanoseconds (exact integer division), epoch numbers of any unit, or ISO strings. */
export function legacyMillis(value: unknown, nanos?: bigint): number | undefined {
  if (nanos !== undefined) return Number(nanos / 1_000_000n);
  if (typeof value === 'number' && Number.isFinite(value)) {
    const digits = Math.floor(Math.abs(value)).toString().length;
    if (digits >= 18) return Math.floor(value / 1e6);
    if (digits >= 15) return Math.floor(value / 1e3);
    if (digits >= 12) return Math.floor(value);
    return Math.floor(value * 1000);
  }
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return legacyMillis(Number(value));
    const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1').replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

const entryTime = (entry: LegacyEntry, ...fields: string[]) => {
  if (entry.nanos !== undefined) return legacyMillis(undefined, entry.nanos);
  for (const field of fields) {
    const ms = legacyMillis(entry.value[field]) ?? (field === 'timestamp' ? entry.sourceTime : undefined);
    if (ms !== undefined) return ms;
  }
  return entry.sourceTime;
};

function specType(value: unknown): SpecType | undefined {
  const upper = str(value)?.toUpperCase();
  return SPEC_TYPES.find((t) => t === upper);
}

function specStatus(value: unknown): SpecStatus {
  const raw = str(value)?.toLowerCase() ?? '';
  return SPEC_STATUSES.find((s) => s === raw) ?? normalizeStatus(raw) ?? 'proposed';
}

function legacyMeta(entry: LegacyEntry, extra: Record<string, unknown> = {}) {
  return { source: entry.source, timestampNanos: entry.nanos?.toString(), ...extra };
}

function toSpecification(entry: LegacyEntry): SpecificationInput & { legacyId?: string } {
  const v = entry.value;
  const identifier = str(v.identifier) ?? entry.keyId;
  const type = specType(v.spec_type ?? v.specType);
  const timestamp = entryTime(entry, 'timestamp', 'updated_at', 'created_at');
  if (!identifier || !type || timestamp === undefined) {
    throw new TemporalDbError('INVALID_INPUT', `Legacy specification ${entry.source} lacks an identifier, a known spec_type or a time`, {
      path: [entry.source],
    });
  }
  const input: SpecificationInput & { legacyId?: string } = {
    specType: type,
    identifier,
    title: str(v.title) || identifier,
    content: str(v.content) ?? '',
    status: specStatus(v.status),
    tags: strings(v.tags),
    matrixIds: strings(v.matrix_ids),
    templateVariables: obj(v.template_variables),
    metadata: {
      ...obj(v.metadata),
      legacy: legacyMeta(entry, { id: v.id, version: v.version, status: v.status, createdAt: v.created_at, updatedAt: v.updated_at, hash: v.hash }),
    },
    timestamp,
  };
  const author = str(v.author);
  if (author !== undefined) input.author = author;
  const legacyId = str(v.id);
  if (legacyId) input.legacyId = legacyId;
  return input;
}

function toPattern(entry: LegacyEntry): PatternInput {
  const v = entry.value;
  const legacyId = str(v.id) ?? entry.keyId ?? entry.source;
  const typeName = str(v.pattern_type)?.toLowerCase();
  const patternType = PATTERN_TYPES.find((t) => t.toLowerCase() === typeName) ?? 'Application';
  const input: PatternInput = {
    id: isUuid(legacyId) ? legacyId : uuidv5(legacyId, LEGACY_NAMESPACE),
    patternName: str(v.pattern_name) || legacyId,
    patternType,
    // A NULL definition stays JSON null; only a missing one takes the default.
    patternDefinition: (v.pattern_definition === undefined ? {} : v.pattern_definition) as JsonValue,
    examples: Array.isArray(v.examples) ? v.examples : [],
    usageFrequency: typeof v.usage_frequency === 'number' && v.usage_frequency >= 0 ? Math.floor(v.usage_frequency) : 0,
    metadata: { ...obj(v.metadata), legacy: legacyMeta(entry, { id: legacyId, patternType: v.pattern_type }) },
  };
  // NULL (or no value) stays absent, never 0.
  const successRate = unitInterval(v.success_rate);
  if (successRate !== undefined) input.successRate = successRate;
  const contextSimilarity = unitInterval(v.context_similarity);
  if (contextSimilarity !== undefined) input.contextSimilarity = contextSimilarity;
  const lastUsed = legacyMillis(v.last_used);
  if (lastUsed !== undefined) input.lastUsed = lastUsed;
  const timestamp = entryTime(entry, 'timestamp', 'updated_at', 'created_at');
  if (timestamp !== undefined) input.timestamp = timestamp;
  return input;
}

/** The decision a legacy change carries, wherever the original put its fields. */
function decisionOf(v: Record<string, unknown>) {
  for (const place of [v, obj(v.decision), obj(v.metadata), obj(v.field_changes)]) {
    const point = str(place.decision_point);
    if (point) {
      const decision: { decisionPoint: string; selectedOption: string; context: string; confidence?: number } = {
        decisionPoint: point,
        selectedOption: str(place.selected_option) ?? str(place.option_name) ?? 'unknown',
        context: str(place.context) ?? '',
      };
      // The original stores NULL when no confidence was given: it stays absent (never selected), not 1.
      const confidence = unitInterval(place.confidence);
      if (confidence !== undefined) decision.confidence = confidence;
      return decision;
    }
  }
  return undefined;
}

const compareNanos = (a: LegacyEntry, b: LegacyEntry) =>
  a.nanos !== undefined && b.nanos !== undefined ? (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0) : 0;

/**
 * Writes legacy entries into a store: specification versions in time order
 * per identifier, pattern versions, decisions as Decision changes, and every
 * other entry as an imported record, so that nothing is dropped. Entries an
 * earlier run imported (same source key) are skipped.
 */
export async function importLegacyEntries(db: TemporalDb, entries: readonly LegacyEntry[]): Promise<LegacyImportResult> {
  const result: LegacyImportResult = { specificationVersions: 0, patternVersions: 0, decisions: 0, importedRecords: 0, skipped: 0 };
  const table = (name: string) => entries.filter((e) => e.table === name);
  const sourcesIn = (metadata: Record<string, unknown>) => str(obj(metadata.legacy).source);

  const specs = table('specifications').map((entry) => ({ entry, input: toSpecification(entry) }));
  const byIdentifier = new Map<string, typeof specs>();
  for (const spec of specs) byIdentifier.set(spec.input.identifier, [...(byIdentifier.get(spec.input.identifier) ?? []), spec]);
  const specIdOfLegacy = new Map<string, string>();
  for (const [identifier, versions] of byIdentifier) {
    versions.sort((a, b) => compareNanos(a.entry, b.entry) || (a.input.timestamp as number) - (b.input.timestamp as number));
    const history = await db.getSpecificationHistory(identifier);
    const done = new Set(history.map((v) => sourcesIn(v.metadata)));
    const fresh = versions.filter((v) => !done.has(v.entry.source));
    result.skipped += versions.length - fresh.length;
    const stored = fresh.length ? await db.storeSpecifications(fresh.map(({ input: { legacyId: _id, ...input } }) => input)) : [];
    result.specificationVersions += stored.length;
    const specId = stored[0]?.specId ?? history[0]?.specId;
    for (const { input } of versions) if (input.legacyId && specId) specIdOfLegacy.set(input.legacyId, specId);
  }

  const patterns = table('patterns').sort(compareNanos);
  for (const entry of patterns) {
    const input = toPattern(entry);
    const history = await db.getPatternHistory(input.id!);
    if (history.some((p) => sourcesIn(p.metadata) === entry.source)) {
      result.skipped++;
      continue;
    }
    await db.storeArchitecturalPattern(input);
    result.patternVersions++;
  }

  const others: ImportedRecord[] = [];
  for (const entry of table('changes').sort(compareNanos)) {
    const v = entry.value;
    const decision = decisionOf(v);
    const specId = specIdOfLegacy.get(str(v.spec_id) ?? entry.keyId ?? '');
    const timestamp = entryTime(entry, 'timestamp', 'created_at');
    if (decision && specId && timestamp !== undefined) {
      const existing = await db.getChanges({ specId, changeType: 'Decision', since: timestamp, until: timestamp });
      if (existing.some((c) => c.decision?.decisionPoint === decision.decisionPoint && c.decision.selectedOption === decision.selectedOption)) {
        result.skipped++;
        continue;
      }
      await db.recordDecision({ specId, ...decision, author: str(v.author) ?? 'unknown', timestamp });
      result.decisions++;
      continue;
    }
    others.push(importedRecordOf(entry, 'legacy_change'));
  }
  for (const entry of entries) {
    if (!['specifications', 'patterns', 'changes'].includes(entry.table)) others.push(importedRecordOf(entry, entry.table));
  }
  const added = others.length ? await db.putImportedRecords(others) : 0;
  result.importedRecords += added;
  result.skipped += others.length - added;
  return result;
}

/** An entry kept as it came: kind, id, time (nanoseconds exactly when known) and the original value. */
export function importedRecordOf(entry: LegacyEntry, kind: string): ImportedRecord {
  const timestamp = entryTime(entry, 'timestamp', 'created_at', 'updated_at') ?? 0;
  const record: ImportedRecord = {
    kind,
    id: str(entry.value.id) ?? entry.keyId ?? entry.source,
    timestamp,
    source: entry.source,
    data: entry.value as JsonValue,
  };
  if (entry.nanos !== undefined) record.timestampNanos = entry.nanos.toString();
  return record;
}

/** Entries from the NDJSON lines `{"table", "key", "value"}` an iteration over the sled or redb tables gives. */
export function entriesFromKeyValueLines(lines: Iterable<string>): LegacyEntry[] {
  const entries: LegacyEntry[] = [];
  let n = 0;
  for (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let parsed: { table?: unknown; key?: unknown; value?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch (error) {
      throw new TemporalDbError('INVALID_INPUT', `Line ${n}: not JSON (${(error as Error).message})`, { path: ['line', n] });
    }
    const key = str(parsed.key);
    if (!key || typeof parsed.value !== 'object' || parsed.value === null) {
      throw new TemporalDbError('INVALID_INPUT', `Line ${n}: expected {"table", "key", "value"}`, { path: ['line', n] });
    }
    const { prefix, id, nanos } = parseLegacyKey(key);
    const table = str(parsed.table) ?? { spec: 'specifications', pattern: 'patterns', change: 'changes' }[prefix] ?? prefix;
    const normalized = { spec: 'specifications', specs: 'specifications', pattern: 'patterns', change: 'changes' }[table] ?? table;
    const entry: LegacyEntry = { table: normalized, source: key, value: parsed.value as Record<string, unknown>, keyId: id };
    if (nanos !== undefined) entry.nanos = nanos;
    entries.push(entry);
  }
  return entries;
}
