import type { SortedKv } from '../../core/indexed-kv.js';
import { compareKeys, type Key } from '../../core/key-codec.js';

interface Block {
  keys: Key[];
  values: unknown[];
}

/**
 * An ordered key space in a list of sorted blocks, as Python's sortedcontainers
 * keeps one: binary search for the block, then within it. An insert moves at
 * most one block's entries (a single sorted array moved half the store per
 * insert, and a client pulling 200k records into a memory store slowed to a
 * quarter of its starting rate).
 */
export class SortedBlocks implements SortedKv {
  private blocks: Block[] = [];
  private size = 0;

  /** `load`: entries per block before it splits in two (small in tests, to cross block edges). */
  constructor(private readonly load = 512) {}

  /** The first block whose last key is >= `key` (the one `key` is in or belongs in), or `blocks.length`. */
  private blockOf(key: Key): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const keys = this.blocks[mid]!.keys;
      if (compareKeys(keys[keys.length - 1]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The position of `key` in `keys`, or of where it would go. */
  private static find(keys: Key[], key: Key): { at: number; found: boolean } {
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compareKeys(keys[mid]!, key);
      if (order === 0) return { at: mid, found: true };
      if (order < 0) low = mid + 1;
      else high = mid;
    }
    return { at: low, found: false };
  }

  get(key: Key): unknown {
    const block = this.blocks[this.blockOf(key)];
    if (!block) return undefined;
    const { at, found } = SortedBlocks.find(block.keys, key);
    return found ? block.values[at] : undefined;
  }

  put(key: Key, value: unknown): void {
    if (this.blocks.length === 0) {
      this.blocks.push({ keys: [[...key]], values: [value] });
      this.size = 1;
      return;
    }
    // A key past the last block's end goes into the last block.
    const b = Math.min(this.blockOf(key), this.blocks.length - 1);
    const block = this.blocks[b]!;
    const { at, found } = SortedBlocks.find(block.keys, key);
    if (found) {
      block.values[at] = value;
      return;
    }
    block.keys.splice(at, 0, [...key]);
    block.values.splice(at, 0, value);
    this.size++;
    if (block.keys.length > 2 * this.load) {
      const half = block.keys.length >>> 1;
      this.blocks.splice(b + 1, 0, { keys: block.keys.splice(half), values: block.values.splice(half) });
    }
  }

  remove(key: Key): void {
    const b = this.blockOf(key);
    const block = this.blocks[b];
    if (!block) return;
    const { at, found } = SortedBlocks.find(block.keys, key);
    if (!found) return;
    block.keys.splice(at, 1);
    block.values.splice(at, 1);
    this.size--;
    if (block.keys.length === 0) this.blocks.splice(b, 1);
  }

  *range(lower: Key, upper: Key, reverse: boolean, limit: number | undefined): Iterable<{ key: Key; value: unknown }> {
    let left = limit ?? Infinity;
    if (left <= 0 || this.blocks.length === 0 || compareKeys(lower, upper) > 0) return;
    if (!reverse) {
      for (let b = this.blockOf(lower); b < this.blocks.length; b++) {
        const { keys, values } = this.blocks[b]!;
        for (let i = SortedBlocks.find(keys, lower).at; i < keys.length; i++) {
          if (compareKeys(keys[i]!, upper) > 0 || left-- <= 0) return;
          yield { key: keys[i]!, value: values[i] };
        }
      }
      return;
    }
    for (let b = Math.min(this.blockOf(upper), this.blocks.length - 1); b >= 0; b--) {
      const { keys, values } = this.blocks[b]!;
      const end = SortedBlocks.find(keys, upper);
      for (let i = end.found ? end.at : end.at - 1; i >= 0; i--) {
        if (compareKeys(keys[i]!, lower) < 0 || left-- <= 0) return;
        yield { key: keys[i]!, value: values[i] };
      }
    }
  }

  count(): number {
    return this.size;
  }
}
