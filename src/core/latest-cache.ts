import type { Specification } from './records.js';

/** Identifiers a handle keeps the latest version of; the oldest entry leaves first. */
export const LATEST_CACHE_SIZE = 4096;

const copyObject = <T extends object>(value: T): T => (Object.keys(value).length === 0 ? ({} as T) : structuredClone(value));

/** A caller's own copy: nothing it edits reaches the cache. */
function copy(spec: Specification): Specification {
  return { ...spec, tags: [...spec.tags], matrixIds: [...spec.matrixIds], templateVariables: copyObject(spec.templateVariables), metadata: copyObject(spec.metadata) };
}

/**
 * The latest version of recently read identifiers, valid as of one commit
 * sequence number. `seqNow` reads the store's last sequence from the same
 * snapshot a read made now would use (a synchronous key read on LMDB and in
 * memory), so an entry is served only while no commit, from this handle or
 * any other process, has happened since it was read: a cached answer is the
 * one the read would have given. Any commit empties the cache.
 *
 * @example
 * const cache = new LatestCache(() => backend.seqNow!());
 */
export class LatestCache {
  private readonly entries = new Map<string, Specification | null>();
  private seq = -1;

  constructor(
    private readonly seqNow: () => number,
    private readonly size = LATEST_CACHE_SIZE,
  ) {}

  /** The store's current sequence, the entries dropped when it moved. */
  now(): number {
    let seq = this.seqNow();
    // A backend that cannot tell gets no cache: NaN equals nothing, so nothing is kept or served.
    if (!Number.isSafeInteger(seq)) seq = NaN;
    if (seq !== this.seq) {
      this.entries.clear();
      this.seq = seq;
    }
    return seq;
  }

  /** `hit: false` when `ik` is not cached as of the current sequence; else a copy of what is (undefined: none, or deleted). */
  get(ik: string): { hit: true; value: Specification | undefined } | { hit: false; seq: number } {
    const seq = this.now();
    const entry = this.entries.get(ik);
    if (entry === undefined) return { hit: false, seq };
    return { hit: true, value: entry === null ? undefined : copy(entry) };
  }

  /** Keeps what a read begun at `seq` found, if no commit came in between; hands the caller its own copy. */
  set(ik: string, seq: number, value: Specification | undefined): Specification | undefined {
    if (this.now() !== seq) return value;
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(ik, value === undefined ? null : value);
    return value === undefined ? undefined : copy(value);
  }
}
