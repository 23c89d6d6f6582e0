// Sync and export/import work below the public API: they read the commit log
// and commit through the handle's write queue. TemporalDb keeps its backend,
// write queue and clocks private, and a public accessor would cost every
// browser bundle its bytes (the root entry's budget), so the entries of their
// own (temporal-db/sync, temporal-db/interchange) read them by name here, in
// one place; their tests fail if the fields are ever renamed.
import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { TemporalDb } from './temporal-db.js';
import type { WriteQueue } from './write-queue.js';
import type { HybridClock } from './hlc.js';
import type { Clock } from './time.js';

export interface Internals {
  backend: Backend;
  writes: WriteQueue;
  /** The store's hybrid clock: what imported and pulled records are observed into. */
  hlc: HybridClock;
  /** The physical clock (an export's time). */
  clock: Clock;
}

/**
 * The store's backend, write queue and clocks; `INVALID_INPUT` for anything that is not a
 * TemporalDb (`what` names the caller in the message), `DATABASE_CLOSED` for a closed one.
 */
export function internals(db: TemporalDb, what: string): Internals {
  const inner = db as unknown as Partial<Internals> & { closed?: boolean };
  if (typeof inner !== 'object' || inner === null || inner.backend === undefined || inner.writes === undefined || inner.hlc === undefined || inner.clock === undefined) {
    throw new TemporalDbError('INVALID_INPUT', `${what} takes a TemporalDb opened by openTemporalDb`, { path: ['db'] });
  }
  if (inner.closed) throw new TemporalDbError('DATABASE_CLOSED', 'The temporal database is closed; open it again');
  return { backend: inner.backend, writes: inner.writes, hlc: inner.hlc, clock: inner.clock };
}
