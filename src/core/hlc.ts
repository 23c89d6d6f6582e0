import type { Plan } from './backend.js';
import type { Clock } from './time.js';
import type { PlanContext } from './write-queue.js';

/**
 * A store's hybrid logical clock (Kulkarni et al., 2014), in whole
 * milliseconds: the physical clock, but never before the latest time the
 * store has given or seen (the `recordedAt` of what it received), kept in
 * its `meta` table. A replica whose clock is behind so orders what it writes
 * after what it has seen; ties within a millisecond are ordered by id (see
 * `observeId`). It never runs ahead of the physical clock by more than the
 * latest time seen: a bulk import does not push it forward.
 *
 * @example
 * const clock = new HybridClock(Date.now);
 * const now = yield* clock.tick(ctx); // inside a write plan
 */
export class HybridClock {
  private last = -Infinity;

  constructor(private readonly physical: Clock) {}


  /** Learns a time the store holds or received (outside a write: when a store is opened). */
  observe(time: unknown): void {
    if (typeof time === 'number' && time > this.last) this.last = time;
  }

  /** Inside a write: the time of this write, at least `seen`, recorded in the store if it moved on. */
  *tick(ctx: PlanContext, seen = -Infinity): Plan<number> {
    const stored = (yield* ctx.get('meta', ['clock']))?.value;
    this.observe(stored);
    this.observe(seen);
    const now = Math.max(this.physical(), this.last);
    if (now !== stored) ctx.put('meta', { name: 'clock', value: now });
    return (this.last = now);
  }
}
