import type { SpecType, TemporalDb } from 'temporal-db';

/** What every view gets: the store, what is selected, and a way to ask the others to show something new. */
export interface AppContext {
  db: TemporalDb;
  state: { selected?: string; specType?: SpecType };
  /** Shows `identifier` in the timeline, diff and forms, and follows its history from now on. */
  select(identifier: string): void;
  /** Lists the specifications of this type (all when undefined), and follows that list from now on. */
  filter(specType: SpecType | undefined): void;
  /** Re-reads the store in every view. */
  refresh(): Promise<void>;
  /** A one-line message in the status bar. */
  notify(message: string, kind?: 'info' | 'error'): void;
}

/** A section of the page: its element and the function that redraws it from the store. */
export interface View {
  element: HTMLElement;
  render(): Promise<void>;
}

/**
 * Runs `draw` so that only the last of overlapping renders of one view paints (reads are asynchronous: an earlier,
 * slower read must not overwrite a newer answer).
 *
 * @example
 * const render = latestOnly(async (isCurrent) => { const rows = await db.listSpecifications(); if (isCurrent()) paint(rows); });
 */
export function latestOnly(draw: (isCurrent: () => boolean) => Promise<void>): () => Promise<void> {
  let generation = 0;
  return () => {
    const mine = ++generation;
    return draw(() => mine === generation);
  };
}
