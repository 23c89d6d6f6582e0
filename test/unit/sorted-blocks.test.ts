import { describe, expect, it } from 'vitest';
import { SortedBlocks } from '../../src/backends/memory/sorted-blocks.js';
import { compareKeys, type Key } from '../../src/core/key-codec.js';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The obvious model: every entry in one array, sorted on each read. */
class Model {
  readonly entries = new Map<string, { key: Key; value: unknown }>();
  put(key: Key, value: unknown) {
    this.entries.set(JSON.stringify(key), { key, value });
  }
  remove(key: Key) {
    this.entries.delete(JSON.stringify(key));
  }
  range(lower: Key, upper: Key, reverse: boolean, limit: number | undefined) {
    const inside = [...this.entries.values()].filter(({ key }) => compareKeys(key, lower) >= 0 && compareKeys(key, upper) <= 0).sort((a, b) => compareKeys(a.key, b.key));
    if (reverse) inside.reverse();
    return inside.slice(0, limit ?? Infinity);
  }
}

describe('SortedBlocks (the memory backend key space)', () => {
  it.each([1, 2, 3, 512])('agrees with a sorted model on gets, ranges (both ways, with limits) and counts over random puts and removes (load %i)', (load) => {
    const next = random(load * 7919);
    const pick = (n: number) => Math.floor(next() * n);
    const keyOf = (): Key => (next() < 0.5 ? [`k${pick(40)}`, pick(5)] : [`k${pick(40)}`]);
    const blocks = new SortedBlocks(load);
    const model = new Model();
    for (let step = 0; step < 3000; step++) {
      const key = keyOf();
      if (next() < 0.3) {
        blocks.remove(key);
        model.remove(key);
      } else {
        blocks.put(key, step);
        model.put(key, step);
      }
      if (step % 25 === 0) {
        const probe = keyOf();
        expect(blocks.get(probe)).toBe(model.entries.get(JSON.stringify(probe))?.value);
        let [lower, upper] = [keyOf(), keyOf()];
        if (compareKeys(lower, upper) > 0 && next() < 0.8) [lower, upper] = [upper, lower];
        const reverse = next() < 0.5;
        const limit = next() < 0.5 ? pick(10) : undefined;
        expect([...blocks.range(lower, upper, reverse, limit)]).toEqual(model.range(lower, upper, reverse, limit));
        expect(blocks.count()).toBe(model.entries.size);
      }
    }
    // Everything, both ways.
    const all = model.range([''], ['\uffff'], false, undefined);
    expect([...blocks.range([''], ['\uffff'], false, undefined)]).toEqual(all);
    expect([...blocks.range([''], ['\uffff'], true, undefined)]).toEqual([...all].reverse());
  });

  it('keeps its own copy of a key: a caller editing the array it passed changes nothing', () => {
    const blocks = new SortedBlocks(2);
    const key: Array<string | number> = ['a', 1];
    blocks.put(key, 'x');
    key[1] = 2;
    expect(blocks.get(['a', 1])).toBe('x');
    expect(blocks.get(['a', 2])).toBeUndefined();
  });

  it('empties cleanly: removing every key leaves no entry and a store that takes new ones', () => {
    const blocks = new SortedBlocks(2);
    for (let i = 0; i < 20; i++) blocks.put([i], i);
    for (let i = 0; i < 20; i++) blocks.remove([i]);
    expect(blocks.count()).toBe(0);
    expect([...blocks.range([0], [100], false, undefined)]).toEqual([]);
    blocks.put([5], 'again');
    expect([...blocks.range([0], [100], true, 5)]).toEqual([{ key: [5], value: 'again' }]);
  });
});
