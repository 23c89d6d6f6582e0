// Commits one page of record lines with its `meta` rows (a checkpoint, a
// client's mark) as one batch, all of it or nothing, through the records
// entry point the import shares (src/core/interchange.ts `applyRecords`:
// records already held are skipped, siblings kept). The batch commits alone,
// never coalesced with other writes of the handle (the write queue's `alone`
// flag): the keys of its commit then say where every record in it came from,
// and the handle still makes one commit at a time, as every backend expects.
import { applyRecords } from '../core/interchange.js';
import type { Internals } from '../core/internals.js';

export interface AppliedPage {
  added: number;
  skipped: number;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Checks and applies `records` (`{ table, record }` objects) with `meta` rows; `INVALID_INPUT` with path `['records', i, ...]` writes nothing. */
export async function applyPage(store: Internals, records: readonly unknown[], meta: ReadonlyArray<{ name: string; value: unknown }> = []): Promise<AppliedPage> {
  const { added, skipped } = await applyRecords(store.backend, { run: (plan) => store.writes.run(plan, true) }, records, { meta }, store.hlc);
  return { added: total(added), skipped: total(skipped) };
}
