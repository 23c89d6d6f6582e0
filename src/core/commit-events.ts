import type { Backend } from './backend.js';
import type { CommitRow } from './commit-plan.js';
import type { KeyPart } from './key-codec.js';

/**
 * One committed batch, as `db.onCommit` delivers it: its sequence number in
 * the store, the `[table, ...key]` of each row it wrote or deleted (the
 * `commits` row), and whether this `TemporalDb` made it.
 *
 * @example
 * db.onCommit(({ seq, writes, local }) => console.log(seq, local ? 'here' : 'elsewhere', writes.length));
 */
export interface CommitEvent {
  readonly seq: number;
  readonly writes: KeyPart[][];
  readonly local: boolean;
}

/** Rethrown outside the dispatch, as an EventTarget reports a listener's error: the other listeners still run. */
export const reportLater = (error: unknown): void => queueMicrotask(() => {
  throw error;
});

/**
 * Turns this handle's commits and the signals of `Backend.watchCommits` into
 * one stream of commit events, in sequence order, each once. Its own commits
 * are known when they resolve (no read); a sequence number it did not make is
 * read from the `commits` table. A number it has not seen is someone else's
 * unless its own batch is still settling (then it waits for it), because this
 * handle's batches commit one at a time, in increasing sequence order.
 */
export class CommitFeed {
  private readonly listeners = new Set<(event: CommitEvent) => void>();
  /** The highest sequence number dispatched or passed over; unknown until the first commit or baseline. */
  private cursor: number | undefined;
  /** This handle's commits not dispatched yet. */
  private readonly own = new Map<number, KeyPart[][]>();
  /** The highest sequence number known to be committed. */
  private target = 0;
  /** Commits of others up to here were made before anyone listened: passed over. */
  private skipUpTo = 0;
  private committing = false;
  private stopWatching: (() => void) | undefined;
  private baseline: Promise<void> | undefined;
  /** The baseline was read: a commit that follows the cursor can be dispatched at once. */
  private synced = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private ended!: () => void;
  /** Resolves when the store closes: nothing is dispatched after. */
  readonly closed = new Promise<void>((resolve) => (this.ended = resolve));

  constructor(private readonly backend: Backend) {}

  /** Subscribes; the first listener starts watching for commits made elsewhere. */
  subscribe(listener: (event: CommitEvent) => void): () => void {
    // A wrapper, so that one function subscribed twice is two subscriptions.
    const entry = (event: CommitEvent) => listener(event);
    this.listeners.add(entry);
    if (this.listeners.size === 1) {
      this.stopWatching = this.backend.watchCommits?.((seq) => this.reach(seq));
      this.baseline = undefined;
      this.synced = false;
      void this.ready();
    }
    return () => {
      if (this.listeners.delete(entry) && this.listeners.size === 0) this.unwatch();
    };
  }

  /**
   * Resolves once the commits made elsewhere from now on will be dispatched:
   * the store's last sequence number has been read (those up to it are passed over).
   */
  ready(): Promise<void> {
    this.baseline ??= this.backend.read([{ read: 'last', table: 'commits' }]).then(
      ([last]) => {
        const seq = (last as CommitRow | undefined)?.seq ?? 0;
        this.skipUpTo = Math.max(this.skipUpTo, seq);
        this.synced = true;
        this.reach(seq);
      },
      // Read again at the next signal or commit.
      () => (this.baseline = undefined),
    );
    return this.baseline;
  }

  /** The write queue starts committing a batch. */
  begin(): void {
    this.committing = true;
  }

  /** The write queue's batch settled: `row` when it committed. */
  end(row: CommitRow | undefined): void {
    this.committing = false;
    if (row && this.listeners.size === 0) {
      this.cursor = Math.max(this.cursor ?? 0, row.seq);
    } else if (row && this.synced && !this.pumping && this.cursor === row.seq - 1) {
      // The usual case, dispatched before the write's promise resolves: the next number, nothing to read first.
      this.target = Math.max(this.target, row.seq);
      this.emit(row.seq, row.writes, true);
    } else {
      if (row) this.own.set(row.seq, row.writes);
      // Also without a row: a number passed by while this batch settled is now known not to be ours.
      this.reach(row?.seq ?? 0);
    }
  }

  /** Stops watching and lets the dispatch under way finish; listeners hear nothing more. */
  async close(): Promise<void> {
    this.unwatch();
    await this.pumping;
    this.listeners.clear();
    this.ended();
  }

  private unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  private reach(seq: number): void {
    this.target = Math.max(this.target, seq);
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.reach(0);
      }
    });
  }

  /**
   * Dispatches from the cursor on. A number that is not one of this handle's
   * commits is someone else's, read from the `commits` table, unless this
   * handle's batch is still settling: then it waits for that batch's `end`.
   */
  private async pump(): Promise<void> {
    if (this.listeners.size > 0) await this.ready();
    const ownFrom = () => Math.min(...this.own.keys());
    // A batch of ours settling now may be below the baseline: its number is needed to start below it.
    if (this.synced && !this.committing) this.cursor ??= Math.min(this.skipUpTo, ownFrom() - 1);
    try {
      while (this.listeners.size > 0 && this.cursor !== undefined) {
        const next = this.cursor + 1;
        const mine = this.own.get(next);
        if (mine) {
          this.own.delete(next);
          this.emit(next, mine, true);
          continue;
        }
        const above = ownFrom();
        if (above === Infinity && (next > this.target || this.committing)) break;
        const upto = Math.min(this.target, above - 1);
        if (next <= this.skipUpTo) {
          this.cursor = Math.min(this.skipUpTo, upto);
          continue;
        }
        const rows = (await this.backend.range({ table: 'commits', lower: [next], upper: [upto] })) as unknown as CommitRow[];
        if (rows[0]?.seq !== next) break;
        for (const row of rows) this.emit(row.seq, row.writes, false);
      }
    } catch {
      // A read that failed (the store closing, a connection lost): the next signal or commit tries again.
    }
    if (this.listeners.size === 0) {
      // Nobody listens: what was not dispatched is passed over.
      for (const seq of this.own.keys()) this.cursor = Math.max(this.cursor ?? 0, seq);
      this.own.clear();
    }
  }

  private emit(seq: number, writes: KeyPart[][], local: boolean): void {
    this.cursor = seq;
    const event: CommitEvent = { seq, writes, local };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        reportLater(error);
      }
    }
  }
}
