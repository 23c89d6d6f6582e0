// The changes feed both directions read: the records a store's commits wrote
// after a cursor, in commit order, a page at a time (CouchDB's `_changes`
// since a sequence). The server pulls from it for its clients, a client
// pushes from it to its server. Only the `commits` rows and the current rows
// they name are read, so a page costs one range read and one getMany per
// table, whatever the size of the store.
import type { Backend } from '../core/backend.js';
import { changeRecords, type ChangeRow } from '../core/change-log.js';
import { rowId } from '../core/commit-plan.js';
import { sha256Hex } from '../core/hash.js';
import { EXPORT_TABLES, type ExportTable } from '../core/interchange.js';
import type { Key, KeyPart } from '../core/key-codec.js';
import { TABLES, withoutKeyColumns, type CommitRow, type Row } from '../core/tables.js';
import type { Cursor, RecordLine } from './protocol.js';

const EXPORTED: ReadonlySet<string> = new Set(EXPORT_TABLES);

/** Commits read per range read: a page usually spans many small commits. */
const COMMITS_PER_READ = 64;

export interface FeedPage {
  /** At most `limit` records, each once, in the order their commits wrote them. */
  records: RecordLine[];
  /** Where the next page starts: everything before it is in this page or an earlier one. */
  cursor: Cursor;
  /** The commit the cursor stands on (see {@link fingerprintAt}); undefined at the start. */
  commit: CommitRow | undefined;
}

export interface FeedOptions {
  limit: number;
  /** The last commit to read (the store's last one when the feed started, so the feed ends). */
  until: number;
  /** Commits to pass over without sending what they wrote (a client's commits of pulled pages). */
  skip?: (commit: CommitRow) => boolean;
}

/** The fingerprint of a commit: a hash of the keys it wrote, which differ between any two stores. */
export async function fingerprint(commit: CommitRow | undefined): Promise<string> {
  return commit === undefined ? '' : (await sha256Hex(JSON.stringify([commit.seq, commit.writes]))).slice(0, 32);
}

/** The commit whose fingerprint stands for `cursor`: the partly read one, or the last one read whole. */
export const fingerprintSeq = (cursor: Cursor): number => (cursor.offset > 0 ? cursor.seq + 1 : cursor.seq);

/**
 * The pages of records written after `from`, up to commit `until`. A page is
 * cut after `limit` records, inside a commit if need be. Commits that wrote no
 * exported record (checkpoints, or those `skip` names) still move the cursor:
 * a last page without records says how far the feed got.
 */
export async function* feedPages(backend: Backend, from: Cursor, options: FeedOptions): AsyncGenerator<FeedPage> {
  const limit = Math.max(1, options.limit);
  let cursor = from;
  let cursorCommit: CommitRow | undefined;
  let moved = false;
  let pending: Array<[ExportTable, Key]> = [];
  let pendingIds = new Set<string>();
  const page = async (): Promise<FeedPage> => {
    const records = await readRecords(backend, pending);
    pending = [];
    pendingIds = new Set();
    moved = false;
    return { records, cursor, commit: cursorCommit };
  };
  while (cursor.seq < options.until) {
    const commits = (await backend.range({ table: 'commits', lower: [cursor.seq + 1], upper: [options.until], limit: COMMITS_PER_READ })) as CommitRow[];
    if (commits.length === 0) break;
    for (const commit of commits) {
      const start = commit.seq === cursor.seq + 1 ? cursor.offset : 0;
      const writes = options.skip?.(commit) ? [] : commit.writes;
      for (let i = start; i < writes.length; i++) {
        const [table, ...key] = writes[i]! as [string, ...KeyPart[]];
        if (!EXPORTED.has(table)) continue;
        const id = rowId(table, key);
        if (pendingIds.has(id)) continue;
        pendingIds.add(id);
        pending.push([table as ExportTable, key]);
        if (pending.length >= limit) {
          const whole = i + 1 === writes.length;
          cursor = whole ? { seq: commit.seq, offset: 0 } : { seq: commit.seq - 1, offset: i + 1 };
          cursorCommit = commit;
          yield await page();
        }
      }
      if (cursor.seq < commit.seq) {
        cursor = { seq: commit.seq, offset: 0 };
        cursorCommit = commit;
        moved = true;
      }
    }
  }
  if (pending.length > 0 || moved) yield await page();
}

/** The current rows of `keys` as export records; a row deleted since (a purged recommendation) is left out. */
async function readRecords(backend: Backend, keys: ReadonlyArray<[ExportTable, Key]>): Promise<RecordLine[]> {
  if (keys.length === 0) return [];
  const byTable = new Map<ExportTable, Array<[number, Key]>>();
  keys.forEach(([table, key], i) => {
    const list = byTable.get(table) ?? [];
    list.push([i, key]);
    byTable.set(table, list);
  });
  const tables = [...byTable.keys()];
  // One read transaction for the whole page.
  const answers = (await backend.read(tables.map((table) => ({ read: 'getMany' as const, table, keys: byTable.get(table)!.map(([, key]) => key) })))) as Array<
    Array<Row | undefined>
  >;
  const out = new Array<RecordLine | undefined>(keys.length);
  for (const [t, table] of tables.entries()) {
    const entries = byTable.get(table)!;
    let rows = answers[t]!;
    if (table === 'changes') {
      const found = await changeRecords(backend, rows.filter((row) => row !== undefined) as ChangeRow[]);
      rows = rows.map((row) => (row === undefined ? row : (found.shift() as Row | undefined)));
    }
    entries.forEach(([i], k) => {
      const row = rows[k];
      if (row !== undefined) out[i] = { table, record: withoutKeyColumns(TABLES[table], row) as Record<string, unknown> };
    });
  }
  return out.filter((line): line is RecordLine => line !== undefined);
}

/** The store's last commit sequence (0 for a store never written). */
export async function lastSeq(backend: Backend): Promise<number> {
  const [last] = (await backend.read([{ read: 'last', table: 'commits' }])) as [CommitRow | undefined];
  return last?.seq ?? 0;
}
