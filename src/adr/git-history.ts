import { execFileSync } from 'node:child_process';

/** One version of one file: a commit's text of it, or its deletion. */
export interface FileVersion {
  path: string;
  commit?: string;
  author?: string;
  /** When the version counts, in ms since epoch (see {@link gitLineages}). */
  time: number;
  /** The commit's own author time, when it comes from git. */
  authoredAt?: number;
  /** For a commit from a side branch: the main-line merge that brought it in. */
  mergedIn?: string;
  message?: string;
  deleted: boolean;
  content: string;
  /** The git blob of `content`, read by {@link readContents}. */
  blob?: string;
}

/** One file followed across renames; its last path is its latest name. */
export interface Lineage {
  paths: string[];
  versions: FileVersion[];
}

interface CommitInfo {
  parents: string[];
  author: string;
  time: number;
  message: string;
}

interface Change {
  /** Path before the change (renames and deletions). */
  from?: string;
  /** Path after the change (additions, edits, renames). */
  to?: string;
  blob?: string;
}

/** A path's file: `blob` null once deleted, kept so that a re-added path continues the same file. */
interface Entry {
  lineage: number;
  blob: string | null;
}

type State = Map<string, Entry>;

interface Emitted {
  lineage: number;
  path: string;
  blob: string | null;
  commit: string;
  time: number;
  mergedIn?: string;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** Every commit reachable from HEAD with its parents, author, author time and subject. */
function commitGraph(root: string): Map<string, CommitInfo> {
  const graph = new Map<string, CommitInfo>();
  for (const line of git(root, ['log', '--format=%H%x1f%P%x1f%an%x1f%at%x1f%s', 'HEAD']).split('\n')) {
    if (!line) continue;
    const [commit, parents, author, time, message] = line.split('\x1f') as [string, string, string, string, string];
    graph.set(commit, { parents: parents ? parents.split(' ') : [], author, time: Number(time) * 1000, message });
  }
  return graph;
}

/**
 * Each commit's Markdown changes against its first parent (a merge's too).
 * `--full-history` walks every side branch: git's default simplification
 * would skip a branch whose merge kept one parent's files as they were.
 */
function firstParentDiffs(root: string, isAdrPath: (path: string) => boolean): Map<string, Change[]> {
  const log = git(root, ['log', '--full-history', '--diff-merges=first-parent', '-M', '--raw', '--no-abbrev', '-z', '--format=%x1e%H', 'HEAD', '--', '*.md', '*.MD']);
  const diffs = new Map<string, Change[]>();
  for (const entry of log.split('\x1e').slice(1)) {
    const end = entry.indexOf('\0');
    const commit = (end < 0 ? entry : entry.slice(0, end)).trim();
    const tokens = end < 0 ? [] : entry.slice(end + 1).replace(/^\n/, '').split('\0');
    const changes: Change[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (!tokens[i]!.startsWith(':')) continue;
      const [, , , blob, status] = tokens[i]!.slice(1).split(' ') as [string, string, string, string, string];
      const kind = status[0];
      const first = tokens[++i]!;
      const second = kind === 'R' || kind === 'C' ? tokens[++i]! : undefined;
      const adrFirst = isAdrPath(first);
      if (kind === 'R' && second !== undefined) {
        const adrSecond = isAdrPath(second);
        // A rename out of the ADR files is a deletion, one into them an addition.
        if (adrFirst && adrSecond) changes.push({ from: first, to: second, blob });
        else if (adrFirst) changes.push({ from: first });
        else if (adrSecond) changes.push({ to: second, blob });
      } else if (kind === 'C' && second !== undefined) {
        if (isAdrPath(second)) changes.push({ to: second, blob });
      } else if (adrFirst) {
        changes.push(kind === 'D' ? { from: first } : { to: first, blob });
      }
    }
    if (changes.length > 0) diffs.set(commit, changes);
  }
  return diffs;
}

/**
 * The order versions are imported in: post-order from HEAD, first parent
 * first. The main line (HEAD's first parents) comes oldest first, and the
 * commits a merge brings in come just before that merge, in the same order
 * among themselves.
 */
function walkOrder(head: string, graph: Map<string, CommitInfo>): string[] {
  const order: string[] = [];
  const seen = new Set([head]);
  const stack: Array<[string, number]> = [[head, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const parents = graph.get(top[0])?.parents ?? [];
    if (top[1] < parents.length) {
      const parent = parents[top[1]++]!;
      if (!seen.has(parent) && graph.has(parent)) {
        seen.add(parent);
        stack.push([parent, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order;
}

/** Blob texts by id, read by one `git cat-file --batch`. */
function readBlobs(root: string, blobs: string[]): Map<string, string> {
  const texts = new Map<string, string>();
  if (blobs.length === 0) return texts;
  const out = execFileSync('git', ['-C', root, 'cat-file', '--batch'], { input: blobs.join('\n') + '\n', maxBuffer: 1 << 30 });
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    const [id, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) throw new Error(`git cannot read blob ${id} of an ADR file`);
    texts.set(id!, out.subarray(at, at + Number(size)).toString('utf8'));
    at += Number(size) + 1;
  }
  return texts;
}

/**
 * Every version of every Markdown file that satisfies `isAdrPath` in the
 * history of HEAD, grouped by file across renames and across branches.
 *
 * What counts as a version:
 * - a commit that is not a merge, on any branch, gives one version of each
 *   file its diff adds, edits, renames or deletes;
 * - a merge on the main line gives a version of each file whose text or path
 *   there differs from the version the walk reached just before it (a
 *   conflict resolution, a branch's edit of a file merged into its new name,
 *   a merge that kept main's text over a branch's edit), so the versions
 *   always end at what each main-line commit holds;
 * - a merge on a side branch gives a version of each file it changed
 *   itself, i.e. whose text differs from that of every parent.
 *
 * A main-line version is dated by its commit's author time, a side-branch
 * version by the author time of the main-line merge that brought it in, and
 * none earlier than the version before it: so reading "as of" any instant
 * gives what the main line held then.
 */
export function gitLineages(root: string, isAdrPath: (path: string) => boolean): Lineage[] {
  let head: string;
  try {
    head = git(root, ['rev-parse', '--verify', '-q', 'HEAD']).trim();
  } catch {
    return []; // no commits yet
  }
  const graph = commitGraph(root);
  const diffs = firstParentDiffs(root, isAdrPath);
  const order = walkOrder(head, graph);
  const mainLine = new Set<string>();
  for (let c: string | undefined = head; c !== undefined && !mainLine.has(c); c = graph.get(c)?.parents[0]) mainLine.add(c);
  // A commit's landing is the first main-line commit at or after it in the walk.
  const landing = new Map<string, string>();
  for (let i = order.length - 1, next = head; i >= 0; i--) {
    if (mainLine.has(order[i]!)) next = order[i]!;
    landing.set(order[i]!, next);
  }

  const parent: number[] = [];
  const find = (l: number): number => {
    while (parent[l] !== l) l = parent[l] = parent[parent[l]!]!;
    return l;
  };
  const newLineage = () => parent.push(parent.length) - 1;
  /** The last version emitted per file (by root lineage), with its place in the walk. */
  const last = new Map<number, Emitted & { seq: number }>();
  const emitted: Emitted[] = [];
  const emit = (commit: string, lineage: number, path: string, blob: string | null) => {
    const land = landing.get(commit)!;
    const version: Emitted = { lineage, path, blob, commit, time: graph.get(land)!.time };
    if (land !== commit) version.mergedIn = land;
    last.set(find(lineage), { ...version, seq: emitted.length });
    emitted.push(version);
  };
  const unite = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    const [la, lb] = [last.get(keep), last.get(drop)];
    if (lb && (!la || lb.seq > la.seq)) last.set(keep, lb);
    last.delete(drop);
  };
  /** root lineage -> its live path and blob in a state */
  const live = (state: State) => {
    const files = new Map<number, { path: string; blob: string }>();
    for (const [path, entry] of state) if (entry.blob !== null) files.set(find(entry.lineage), { path, blob: entry.blob });
    return files;
  };

  const mergeVersions = (commit: string, parents: string[], state: State) => {
    const sides = parents.map((p) => states.get(p) ?? new Map<string, Entry>());
    // A file added under one path on two branches (a cherry-picked addition, say) is one file,
    // unless the other branch's file is already here under another name.
    const here = new Set(live(state).keys());
    for (const side of sides.slice(1)) {
      for (const [path, entry] of side) {
        const mine = state.get(path);
        if (entry.blob === null || mine?.blob == null || here.has(find(entry.lineage))) continue;
        unite(mine.lineage, entry.lineage);
        here.add(find(mine.lineage));
      }
    }
    const now = live(state);
    if (mainLine.has(commit)) {
      // The versions must end at what this commit holds: emit wherever the last one differs.
      for (const root of new Set([...now.keys(), ...last.keys()])) {
        const file = now.get(root);
        const before = last.get(root);
        if (file ? before?.blob === file.blob && before.path === file.path : !before || before.blob === null) continue;
        emit(commit, root, file?.path ?? before!.path, file?.blob ?? null);
      }
      return;
    }
    // On a side branch only the merge's own change counts: a text no parent had, or a file every parent had.
    const before = sides.map(live);
    for (const [root, file] of now) if (before.every((side) => side.get(root)?.blob !== file.blob)) emit(commit, root, file.path, file.blob);
    for (const [root, file] of before[0]!) if (!now.has(root) && before.every((side) => side.has(root))) emit(commit, root, file.path, null);
  };

  const states = new Map<string, State>();
  // A state is kept until its last child is walked: the walk holds one per open branch, not one per commit.
  const children = new Map<string, number>();
  for (const commit of order) for (const p of graph.get(commit)!.parents) children.set(p, (children.get(p) ?? 0) + 1);
  for (const commit of order) {
    const { parents } = graph.get(commit)!;
    const base = (parents[0] !== undefined ? states.get(parents[0]) : undefined) ?? new Map<string, Entry>();
    const changes = diffs.get(commit) ?? [];
    const state: State = changes.length > 0 ? new Map(base) : base;
    const touched: Array<[number, string, string | null]> = [];
    for (const { from, to, blob } of changes) {
      const lineage = state.get(from ?? to!)?.lineage ?? newLineage();
      if (from !== undefined && to !== undefined) state.delete(from);
      if (to !== undefined) state.set(to, { lineage, blob: blob! });
      else state.set(from!, { lineage, blob: null });
      touched.push([lineage, to ?? from!, to !== undefined ? blob! : null]);
    }
    states.set(commit, state);
    if (parents.length < 2) for (const [lineage, path, blob] of touched) emit(commit, lineage, path, blob);
    else mergeVersions(commit, parents, state);
    for (const p of parents) {
      const left = children.get(p)! - 1;
      children.set(p, left);
      if (left === 0) states.delete(p);
    }
  }

  const groups = new Map<number, Emitted[]>();
  for (const version of emitted) {
    const root = find(version.lineage);
    const group = groups.get(root);
    if (group) group.push(version);
    else groups.set(root, [version]);
  }
  const atHead = live(states.get(head) ?? new Map());
  const lineages: Lineage[] = [];
  for (const [root, versions] of groups) {
    // The latest name is the one at HEAD; a side branch's edit of an old name can come after the rename.
    const current = atHead.get(root)?.path ?? versions[versions.length - 1]!.path;
    const paths = [...new Set(versions.map((v) => v.path))].filter((p) => p !== current).concat(current);
    let floor = -Infinity;
    lineages.push({
      paths,
      versions: versions.map((v) => {
        const info = graph.get(v.commit)!;
        floor = Math.max(floor, v.time);
        const version: FileVersion = { path: v.path, commit: v.commit, author: info.author, time: floor, authoredAt: info.time, message: info.message, deleted: v.blob === null, content: '' };
        if (v.blob !== null) version.blob = v.blob;
        if (v.mergedIn) version.mergedIn = v.mergedIn;
        return version;
      }),
    });
  }
  return lineages;
}

/** Fills in the text of each version, for the lineages the caller keeps. */
export function readContents(root: string, lineages: Lineage[]): void {
  const versions = lineages.flatMap((l) => l.versions);
  const texts = readBlobs(root, [...new Set(versions.flatMap((v) => (v.blob ? [v.blob] : [])))]);
  for (const v of versions) v.content = v.blob ? texts.get(v.blob)! : '';
}
