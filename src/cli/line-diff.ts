// A line diff (Myers' O(ND) algorithm) and its unified-format hunks, for
// `temporal-db diff`. Small on purpose: specifications are documents of
// hundreds of lines, not source trees.

export interface DiffLine {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/**
 * The shortest edit script turning `a` into `b`, line by line; within a
 * change, deletions come before insertions, as in `diff -u`.
 *
 * @example
 * diffLines(['a', 'b'], ['a', 'c']); // equal a, delete b, insert c
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  // Common head and tail cost nothing to match and keep the search small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [
    ...a.slice(0, head).map((text): DiffLine => ({ op: 'equal', text })),
    ...middle,
    ...a.slice(a.length - tail).map((text): DiffLine => ({ op: 'equal', text })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((text) => ({ op: 'insert', text }));
  if (m === 0) return a.map((text) => ({ op: 'delete', text }));
  const max = n + m;
  const offset = max + 1;
  // v[k] is the furthest x reached on diagonal k = x - y; trace keeps v before each round d.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  const script: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const before = trace[d]!;
    // trace[d] holds diagonals -d-1 .. d+1 of the previous round.
    const at = (k: number) => before[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) script.push({ op: 'equal', text: a[--x]! }), y--;
    if (prevK === k + 1) script.push({ op: 'insert', text: b[--y]! });
    else script.push({ op: 'delete', text: a[--x]! });
  }
  while (x > 0 && y > 0) script.push({ op: 'equal', text: a[--x]! }), y--;
  return reorder(script.reverse());
}

/** Within each run of changes, deletions first: the script order Myers gives is not the one people read. */
function reorder(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let deletes: DiffLine[] = [];
  let inserts: DiffLine[] = [];
  const flush = () => {
    out.push(...deletes, ...inserts);
    deletes = [];
    inserts = [];
  };
  for (const line of lines) {
    if (line.op === 'delete') deletes.push(line);
    else if (line.op === 'insert') inserts.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

export interface Hunk {
  /** First line of the hunk in the old text (1-based; the line before it when `fromCount` is 0). */
  fromStart: number;
  fromCount: number;
  toStart: number;
  toCount: number;
  lines: DiffLine[];
}

/** Groups a diff into hunks with `context` unchanged lines around each change, as `diff -u` does. */
export function toHunks(lines: readonly DiffLine[], context = 3): Hunk[] {
  const changed = lines.flatMap((line, i) => (line.op === 'equal' ? [] : [i]));
  if (changed.length === 0) return [];
  // Position of each line in the old and new text, before it.
  const fromAt: number[] = [];
  const toAt: number[] = [];
  let from = 0;
  let to = 0;
  for (const line of lines) {
    fromAt.push(from);
    toAt.push(to);
    if (line.op !== 'insert') from++;
    if (line.op !== 'delete') to++;
  }
  const hunks: Hunk[] = [];
  let start = Math.max(0, changed[0]! - context);
  let end = Math.min(lines.length, changed[0]! + context + 1);
  const close = () => {
    const slice = lines.slice(start, end);
    const fromCount = slice.filter((l) => l.op !== 'insert').length;
    const toCount = slice.filter((l) => l.op !== 'delete').length;
    hunks.push({
      fromStart: fromAt[start]! + (fromCount > 0 ? 1 : 0),
      fromCount,
      toStart: toAt[start]! + (toCount > 0 ? 1 : 0),
      toCount,
      lines: slice,
    });
  };
  for (const i of changed.slice(1)) {
    if (i - context <= end) {
      end = Math.min(lines.length, i + context + 1);
    } else {
      close();
      start = i - context;
      end = Math.min(lines.length, i + context + 1);
    }
  }
  close();
  return hunks;
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);

/** Hunks as unified-diff text: `@@ -a,b +c,d @@` headers, then ` `, `-` and `+` lines. */
export function formatHunks(hunks: readonly Hunk[], paint: (op: DiffLine['op'] | 'hunk', text: string) => string = (_op, text) => text): string[] {
  const out: string[] = [];
  for (const hunk of hunks) {
    out.push(paint('hunk', `@@ -${range(hunk.fromStart, hunk.fromCount)} +${range(hunk.toStart, hunk.toCount)} @@`));
    for (const line of hunk.lines) out.push(paint(line.op, `${line.op === 'equal' ? ' ' : line.op === 'delete' ? '-' : '+'}${line.text}`));
  }
  return out;
}
