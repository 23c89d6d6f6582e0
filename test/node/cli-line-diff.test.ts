import { describe, expect, it } from 'vitest';
import { diffLines, formatHunks, toHunks, type DiffLine } from '../../src/cli/line-diff.js';

const edits = (diff: DiffLine[]) => diff.filter((line) => line.op !== 'equal').length;
const side = (diff: DiffLine[], keep: 'delete' | 'insert') => diff.filter((line) => line.op === 'equal' || line.op === keep).map((line) => line.text);

/** Length of the longest common subsequence, by dynamic programming: the oracle for the minimal edit count. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

// A small deterministic generator, so a failure can be replayed.
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('diffLines', () => {
  it('keeps equal lines and puts a replaced line as delete then insert', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'delete', text: 'b' },
      { op: 'insert', text: 'x' },
      { op: 'equal', text: 'c' },
    ]);
    expect(diffLines([], ['a'])).toEqual([{ op: 'insert', text: 'a' }]);
    expect(diffLines(['a'], [])).toEqual([{ op: 'delete', text: 'a' }]);
    expect(diffLines(['a'], ['a'])).toEqual([{ op: 'equal', text: 'a' }]);
  });

  it('on random texts, rebuilds both sides with the fewest edits', () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const make = () => Array.from({ length: Math.floor(next() * 14) }, () => 'abcd'[Math.floor(next() * 4)]!);
      const a = make();
      const b = make();
      const diff = diffLines(a, b);
      expect(side(diff, 'delete')).toEqual(a);
      expect(side(diff, 'insert')).toEqual(b);
      expect(edits(diff)).toBe(a.length + b.length - 2 * lcs(a, b));
    }
  });
});

describe('toHunks and formatHunks', () => {
  const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);

  it('gives one hunk per change far from the others, with three lines of context', () => {
    const b = [...a];
    b[1] = 'changed 2';
    b[17] = 'changed 18';
    const hunks = toHunks(diffLines(a, b));
    expect(hunks.map((h) => [h.fromStart, h.fromCount, h.toStart, h.toCount])).toEqual([
      [1, 5, 1, 5],
      [15, 6, 15, 6],
    ]);
    expect(formatHunks(hunks).slice(0, 7)).toEqual(['@@ -1,5 +1,5 @@', ' line 1', '-line 2', '+changed 2', ' line 3', ' line 4', ' line 5']);
  });

  it('merges changes whose contexts touch', () => {
    const b = a.filter((_, i) => i !== 4 && i !== 10);
    const hunks = toHunks(diffLines(a, b));
    expect(hunks).toHaveLength(1);
    expect([hunks[0]!.fromStart, hunks[0]!.fromCount, hunks[0]!.toStart, hunks[0]!.toCount]).toEqual([2, 13, 2, 11]);
  });

  it('numbers an insertion into empty text as diff -u does', () => {
    expect(formatHunks(toHunks(diffLines([], ['x', 'y'])))).toEqual(['@@ -0,0 +1,2 @@', '+x', '+y']);
    expect(formatHunks(toHunks(diffLines(['x'], ['x', 'y'])))).toEqual(['@@ -1 +1,2 @@', ' x', '+y']);
    expect(toHunks(diffLines(a, a))).toEqual([]);
  });
});
