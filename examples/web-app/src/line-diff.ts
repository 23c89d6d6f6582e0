// A line diff for the diff view. The CLI's (src/cli/line-diff.ts) is Myers' O(ND) search; an app may import only the
// package's public surface, and two versions of an ADR are tens of lines, so the textbook longest common subsequence
// table is small enough and easier to read. The idea kept from the CLI: match the common head and tail first, and
// within a change show deletions before insertions, as `diff -u` does.

export interface DiffLine {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/**
 * The lines of `before` and `after`, each marked equal, deleted or inserted.
 *
 * @example
 * diffLines('a\nb', 'a\nc'); // equal a, delete b, insert c
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const equal = (text: string): DiffLine => ({ op: 'equal', text });
  return [...a.slice(0, head).map(equal), ...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)), ...a.slice(a.length - tail).map(equal)];
}

function middle(a: string[], b: string[]): DiffLine[] {
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let deletes: DiffLine[] = [];
  let inserts: DiffLine[] = [];
  const flush = () => {
    out.push(...deletes, ...inserts);
    deletes = [];
    inserts = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      out.push({ op: 'equal', text: a[i]! });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) deletes.push({ op: 'delete', text: a[i++]! });
    else inserts.push({ op: 'insert', text: b[j++]! });
  }
  flush();
  return out;
}
