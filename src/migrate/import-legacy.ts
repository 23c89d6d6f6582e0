import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TemporalDbError } from '../core/errors.js';
import type { TemporalDb } from '../core/temporal-db.js';
import { entriesFromKeyValueLines, importLegacyEntries, legacyMillis, type LegacyEntry, type LegacyImportResult } from './legacy-records.js';

/** The stores of the original temporal_db that can be migrated. */
export const LEGACY_KINDS = ['kv', 'sqlite', 'json-dir'] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

// Columns of the Python adapter's SQLite tables that hold JSON text.
const JSON_COLUMNS = new Set(['tags', 'matrix_ids', 'template_variables', 'metadata', 'pattern_definition', 'examples', 'field_changes']);

function parseJsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function entriesFromSqlite(path: string): Promise<LegacyEntry[]> {
  let Database: typeof import('better-sqlite3');
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (error) {
    // An optional peer dependency: only this importer needs it, and it compiles from source where no prebuilt binary fits.
    throw new TemporalDbError('MISSING_DEPENDENCY', 'Reading the SQLite fallback store needs better-sqlite3: npm install better-sqlite3@12', {
      cause: error,
    });
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>).map(
      (t) => t.name,
    );
    const entries: LegacyEntry[] = [];
    for (const table of tables) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      for (const row of db.prepare(`SELECT rowid AS __rowid, * FROM ${quoted} ORDER BY rowid`).all() as Array<Record<string, unknown>>) {
        const { __rowid, ...columns } = row;
        const value = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, JSON_COLUMNS.has(k) ? parseJsonColumn(v) : v]));
        entries.push({ table, source: `sqlite:${table}:${String(__rowid)}`, value });
      }
    }
    return entries;
  } finally {
    db.close();
  }
}

/** `{prefix}_{timestamp}_{id}.json`: the timestamp is epoch digits or `YYYYMMDD[_T]HHMMSS`. */
const JSON_FILE = /^(.+?)_(\d{10,19}(?:\.\d+)?|\d{8}[_T]\d{6}(?:\d+)?)_(.+)\.json$/;

function entriesFromJsonDirectory(dir: string): LegacyEntry[] {
  const entries: LegacyEntry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const match = JSON_FILE.exec(name);
    if (!match) continue;
    const [, kind, stamp, id] = match as unknown as [string, string, string, string];
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      throw new TemporalDbError('INVALID_INPUT', `${name} is not JSON: ${(error as Error).message}`, { path: [name] });
    }
    const compact = /^(\d{4})(\d{2})(\d{2})[_T](\d{2})(\d{2})(\d{2})/.exec(stamp);
    const time = compact ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}Z` : Number(stamp);
    const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
    // The file's content is kept as it is; the name's time goes beside it.
    const entry: LegacyEntry = { table: kind, source: name, keyId: id, value: record };
    const sourceTime = legacyMillis(time);
    if (sourceTime !== undefined) entry.sourceTime = sourceTime;
    if (/^\d{19}$/.test(stamp)) entry.nanos = BigInt(stamp);
    entries.push(entry);
  }
  return entries;
}

/**
 * Migrates a store of the original temporal_db: `kv`, the NDJSON of its sled
 * or redb tables (`{"table","key","value"}` lines); `sqlite`, the Python
 * adapter's fallback file (needs better-sqlite3); `json-dir`, the adapter's
 * folder of `{prefix}_{timestamp}_{id}.json` files. Running it again adds
 * only what the first run did not.
 *
 * @example
 * await importLegacy(db, 'kv', 'old-store.ndjson');
 */
export async function importLegacy(db: TemporalDb, kind: LegacyKind, path: string): Promise<LegacyImportResult> {
  switch (kind) {
    case 'kv':
      return importLegacyEntries(db, entriesFromKeyValueLines(readFileSync(path, 'utf8').split('\n')));
    case 'sqlite':
      return importLegacyEntries(db, await entriesFromSqlite(path));
    case 'json-dir':
      return importLegacyEntries(db, entriesFromJsonDirectory(path));
    default:
      throw new TemporalDbError('INVALID_INPUT', `Unknown legacy store kind "${String(kind)}"; use one of ${LEGACY_KINDS.join(', ')}`, {
        path: ['kind'],
      });
  }
}
