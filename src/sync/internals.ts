// Sync works below the public API: it reads the commit log and commits a
// pulled page together with its checkpoint. TemporalDb keeps its backend and
// write queue private, and a public accessor would cost every browser bundle
// its bytes (the root entry's budget), so sync, in an entry of its own, reads
// them by name; test/node/sync-*.test.ts fail if they are ever renamed.
import type { Backend } from '../core/backend.js';
import { TemporalDbError } from '../core/errors.js';
import type { TemporalDb } from '../core/temporal-db.js';
import type { WriteQueue } from '../core/write-queue.js';
import type { HybridClock } from '../core/hlc.js';
import type { CommitFeed } from '../core/commit-events.js';

export interface Internals {
  backend: Backend;
  writes: WriteQueue;
  /** The handle's commit feed: a queue given it marks its commits as this handle's (onCommit `local`). */
  feed: CommitFeed;
  /** The store's hybrid clock: what a page's records are observed into. */
  hlc: HybridClock;
}

/** The store's backend and write queue; `INVALID_INPUT` for anything that is not an open TemporalDb. */
export function internals(db: TemporalDb): Internals {
  const inner = db as unknown as Partial<Internals> & { closed?: boolean };
  if (typeof inner !== 'object' || inner === null || inner.backend === undefined || inner.writes === undefined || inner.hlc === undefined || inner.feed === undefined) {
    throw new TemporalDbError('INVALID_INPUT', 'sync takes a TemporalDb opened by openTemporalDb', { path: ['db'] });
  }
  if (inner.closed) throw new TemporalDbError('DATABASE_CLOSED', 'The temporal database is closed; open it again');
  return { backend: inner.backend, writes: inner.writes, hlc: inner.hlc, feed: inner.feed };
}
