// The wire format shared by the sync routes (src/server/routes/sync.ts) and
// the client (src/sync/client.ts). Records travel in the export's tagged form,
// `{ "table", "record" }`, one per NDJSON line, so a pulled page is a slice of
// an export and a pushed page is what an import takes.
import type { ExportTable } from '../core/interchange.js';

/** Bumped when a route or a line changes shape; a client and a server of different versions refuse each other (`SYNC_PROTOCOL`). */
export const SYNC_PROTOCOL_VERSION = 1;

/** Records per page unless the client asks for fewer (`limit`); the server never sends more than MAX_PAGE. */
export const DEFAULT_PAGE = 500;
export const MAX_PAGE = 5000;

/**
 * A position in a store's commit sequence: every commit up to `seq` is
 * covered, and the first `offset` writes of commit `seq + 1` too (a commit
 * larger than a page is split over several pages; commits never change, so
 * an offset into one stays valid).
 */
export interface Cursor {
  seq: number;
  offset: number;
}

export const START: Cursor = { seq: 0, offset: 0 };

/** One record line: the export's tagged form. */
export interface RecordLine {
  table: ExportTable;
  record: Record<string, unknown>;
}

/**
 * The checkpoint line that ends a pulled page: the records above it cover the
 * server's commits up to `seq`/`offset`; `commit` fingerprints the commit the
 * cursor stands on, so that a server restored from an older backup (whose
 * commit there differs or is missing) is told apart from the one the client
 * synced with.
 */
export interface PageCheckpoint extends Cursor {
  commit: string;
}

/** What `GET /v1/sync/info` answers. */
export interface SyncInfo {
  protocol: number;
  /** The server store's id (a uuid kept in its `meta` table; a copy of the store gets a new one). */
  storeId: string;
  /** The server's last commit sequence. */
  seq: number;
  /**
   * Whether the cursor and fingerprint the client sent name a commit this
   * server holds; false after a restore from an older backup.
   */
  known: boolean;
}

/** The first line of a pull: who answers and up to which sequence this pull goes. */
export interface PullHeader {
  sync: number;
  storeId: string;
  seq: number;
}

/** The pull line types, told apart by their one key. */
export type PullLine = RecordLine | { checkpoint: PageCheckpoint } | { end: { seq: number } };

/** What `POST /v1/sync/push` answers for one page. */
export interface PushAnswer {
  /** Records the server did not hold yet. */
  added: number;
  /** Records it held already (a repeated or resumed push). */
  skipped: number;
  /** The server's last commit after this page, and its fingerprint. */
  seq: number;
  commit: string;
}
