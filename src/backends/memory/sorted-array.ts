import type { SortedKv } from '../../core/indexed-kv.js';
import { compareKeys, type Key } from '../../core/key-codec.js';

/** An ordered key space in a sorted array: binary search for reads, splice for writes. */
export class SortedArray implements SortedKv {
  private readonly keys: Key[] = [];
  private readonly values: unknown[] = [];

  /** The position of `key`, or of where it would go. */
  private find(key: Key): { at: number; found: boolean } {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compareKeys(this.keys[mid]!, key);
      if (order === 0) return { at: mid, found: true };
      if (order < 0) low = mid + 1;
      else high = mid;
    }
    return { at: low, found: false };
  }

  get(key: Key): unknown {
    const { at, found } = this.find(key);
    return found ? this.values[at] : undefined;
  }

  put(key: Key, value: unknown): void {
    const { at, found } = this.find(key);
    if (found) {
      this.values[at] = value;
    } else {
      this.keys.splice(at, 0, [...key]);
      this.values.splice(at, 0, value);
    }
  }

  remove(key: Key): void {
    const { at, found } = this.find(key);
    if (!found) return;
    this.keys.splice(at, 1);
    this.values.splice(at, 1);
  }

  *range(lower: Key, upper: Key, reverse: boolean, limit: number | undefined): Iterable<{ key: Key; value: unknown }> {
    const first = this.find(lower).at;
    const end = this.find(upper);
    const last = end.found ? end.at : end.at - 1;
    let left = limit ?? Infinity;
    for (let i = reverse ? last : first; reverse ? i >= first : i <= last; reverse ? i-- : i++) {
      if (left-- <= 0) return;
      yield { key: this.keys[i]!, value: this.values[i] };
    }
  }

  count(): number {
    return this.keys.length;
  }
}
