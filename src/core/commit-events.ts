import type { Backend, Plan } from './backend.js';
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
 * The store's last commit sequence number, read inside the write transaction
 * (as a plan of the write queue): a commit this handle queues after it has a
 * higher number, on every engine.
 */
export function* lastCommit(): Plan<number> {
  return ((yield { read: 'last', table: 'commits' }) as CommitRow | undefined)?.seq ?? 0;
}

/**
 * Turns the `commits` table into one stream of commit events, in sequence
 * order, each once: after each batch of this handle and each signal of
 * `Backend.watchCommits`, it reads the rows after the last one dispatched.
 * A row is `local` when this handle's origin marks it, so telling whose a
 * commit is does not depend on when the rows are read.
 */
export class CommitFeed {
  private readonly listeners = new Set<(event: CommitEvent) => void>();
  /** The last sequence number dispatched or passed over; read again when the first listener subscribes. */
  private cursor: number | undefined;
  /** Where a first listener starts: asked for when it subscribes, so that any write queued after comes after it. */
  private start: Promise<number> | undefined;
  private unwatch: (() => void) | undefined;
  /** The dispatch under way (after `subscribe`, the one that reads where to start), and whether another one is queued after it. */
  pumping: Promise<void> = Promise.resolve();
  private queued = false;
  private ended!: () => void;
  /** Resolves when the store closes: nothing is dispatched after. */
  readonly closed = new Promise<void>((resolve) => (this.ended = resolve));
  /** Marks this handle's `commits` rows. */
  readonly origin = Math.random();

  constructor(
    private readonly backend: Backend,
    /** The store's last sequence number, read in the write queue: where a first listener starts. */
    private readonly baseline: () => Promise<number>,
  ) {}

  /** Subscribes (once per function, as EventTarget does); the first listener starts watching for commits made elsewhere. */
  subscribe(listener: (event: CommitEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      // What was committed before anyone listened is passed over.
      this.cursor = undefined;
      this.start = this.baseline();
      this.unwatch = this.backend.watchCommits?.(() => this.reach());
      this.reach();
    }
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.unwatch?.();
    };
  }

  /** Queues a dispatch (one at most: it reads everything committed by the time it runs). */
  reach(): void {
    if (this.queued) return;
    this.queued = true;
    this.pumping = this.pumping.then(() => {
      this.queued = false;
      return this.pump();
    });
  }

  /** Stops watching and lets the dispatch under way finish (the write queue is idle by then, so nothing follows). */
  async close(): Promise<void> {
    this.unwatch?.();
    await this.pumping;
    this.ended();
  }

  private async pump(): Promise<void> {
    if (this.listeners.size === 0) return;
    try {
      this.cursor ??= await (this.start ??= this.baseline());
      const rows = (await this.backend.range({ table: 'commits', lower: [this.cursor + 1], upper: [Infinity] })) as unknown as CommitRow[];
      for (const { seq, writes, origin } of rows) {
        this.cursor = seq;
        const event: CommitEvent = { seq, writes, local: origin === this.origin };
        // Each call a microtask of its own: one that throws is reported as uncaught, as an EventTarget listener's is, and the others still run.
        for (const listener of this.listeners) queueMicrotask(() => listener(event));
      }
    } catch {
      // A read that failed (the store closing, a connection lost): the next signal or commit tries again.
      this.start = undefined;
    }
  }
}
