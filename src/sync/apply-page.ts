// Commits one page of record lines with its `meta` rows (a checkpoint, a
// client's mark) as one batch, all of it or nothing, through the records
// entry point the import shares (src/core/interchange.ts `applyRecords`:
// records already held are skipped, siblings kept). The batch commits alone,
// never coalesced with other writes of the handle: the keys of its commit
// then say where every record in it came from.
import type { WritePlan, WriteQueue } from '../core/write-queue.js';
import { applyRecords } from '../core/interchange.js';
import type { Internals } from './internals.js';

export interface AppliedPage {
  added: number;
  skipped: number;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Checks and applies `records` (`{ table, record }` objects) with `meta` rows; `INVALID_INPUT` with path `['records', i, ...]` writes nothing. */
export async function applyPage(store: Internals, records: readonly unknown[], meta: ReadonlyArray<{ name: string; value: unknown }> = []): Promise<AppliedPage> {
  const alone = { run: <T>(plan: WritePlan<T>) => store.writes.run(plan, true) } as WriteQueue;
  const { added, skipped } = await applyRecords(store.backend, alone, records, { meta }, store.hlc);
  return { added: total(added), skipped: total(skipped) };
}
