// Commits one page of record lines with its `meta` rows (a checkpoint, a
// client's mark) as one batch, all of it or nothing, through the records
// entry point the import shares (src/core/interchange.ts `applyRecords`:
// records already held are skipped, siblings kept). The batch commits alone,
// never coalesced with other writes of the handle: the keys of its commit
// then say where every record in it came from. So pages go through a write
// queue of their own, one at a time (the handle's queue joins whatever is
// pending into one batch); it shares the handle's commit feed, so onCommit
// reports the page as the handle's own.
import type { Backend } from '../core/backend.js';
import { WriteQueue } from '../core/write-queue.js';
import { applyRecords } from '../core/interchange.js';
import type { Internals } from './internals.js';

const alone = new WeakMap<Backend, { queue: WriteQueue; last: Promise<unknown> }>();

/** Runs `apply` on the store's page queue once the page before it has committed. */
function oneAtATime<T>(store: Internals, apply: (queue: WriteQueue) => Promise<T>): Promise<T> {
  let entry = alone.get(store.backend);
  if (!entry) alone.set(store.backend, (entry = { queue: new WriteQueue(store.backend, store.feed), last: Promise.resolve() }));
  const { queue } = entry;
  const run = entry.last.then(() => apply(queue));
  entry.last = run.catch(() => undefined);
  return run;
}

export interface AppliedPage {
  added: number;
  skipped: number;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Checks and applies `records` (`{ table, record }` objects) with `meta` rows; `INVALID_INPUT` with path `['records', i, ...]` writes nothing. */
export async function applyPage(store: Internals, records: readonly unknown[], meta: ReadonlyArray<{ name: string; value: unknown }> = []): Promise<AppliedPage> {
  const { added, skipped } = await oneAtATime(store, (queue) => applyRecords(store.backend, queue, records, { meta }, store.hlc));
  return { added: total(added), skipped: total(skipped) };
}
