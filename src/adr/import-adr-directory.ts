import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sha256Hex } from '../core/hash.js';
import type { TemporalDb } from '../core/temporal-db.js';
import type { SpecType } from '../core/types.js';
import { gitLineages, readContents, type FileVersion, type Lineage } from './git-history.js';
import { parseAdr, type ParsedAdr } from './parse-adr.js';

export interface AdrImportOptions {
  /**
   * Import every version from the git history of HEAD, side branches included
   * (renames followed across branches, deletions as tombstones, versions dated
   * when they reached the main line).
   */
  git?: boolean;
  /** Spec type of the imported records; `ADR` by default. */
  specType?: SpecType;
  /** Called after each version is handled. */
  onProgress?: (done: number, total: number) => void;
}

export interface AdrImportResult {
  /** ADR files (lineages across renames). */
  files: number;
  /** Versions found (in git, or one per file without git). */
  versions: number;
  /** Versions written by this import. */
  stored: number;
  /** Versions already in the store (same commit, or same content without git). */
  skipped: number;
  /** Files deleted in git history, recorded as tombstones by this import. */
  deleted: number;
  identifiers: string[];
}

/** ADR files are Markdown; READMEs, indexes and templates (`0000-TEMPLATE.md`, `adr-template.md`) are not ADRs. */
function isAdrFile(name: string): boolean {
  return /\.md$/i.test(name) && !/^(readme|index)\.md$/i.test(name) && !/^(?:0+[-_. ]*)?(?:adr[-_])?template\.md$/i.test(name);
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/**
 * Every version of every ADR file that has lived in `dir`, grouped by file
 * across renames and branches. The whole repository's Markdown history is
 * read, so a file moved into the folder (say from `doc/adr` to `docs/adr`)
 * keeps the versions it had before the move.
 */
function lineagesFromGit(dir: string): Lineage[] {
  const root = git(dir, ['rev-parse', '--show-toplevel']).trim();
  const folder = relative(root, resolve(dir)).split('\\').join('/');
  const inFolder = (path: string) => {
    const at = path.lastIndexOf('/');
    return (at < 0 ? '' : path.slice(0, at)) === folder && isAdrFile(path.slice(at + 1));
  };
  const lineages = gitLineages(root, (path) => isAdrFile(path.slice(path.lastIndexOf('/') + 1)));
  // Only the files that have lived in the folder are its ADRs.
  const ours = lineages.filter((lineage) => lineage.paths.some(inFolder));
  readContents(root, ours);
  return ours;
}

/** The ADR files as they are now, one version each, dated by their `Date:` line or else the file time. */
function lineagesFromFiles(dir: string): Lineage[] {
  return readdirSync(dir)
    .filter(isAdrFile)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const content = readFileSync(path, 'utf8');
      const dated = Date.parse(parseAdr(content, name).date ?? '');
      const time = Number.isNaN(dated) ? Math.floor(statSync(path).mtimeMs) : dated;
      return { paths: [name], versions: [{ path: name, time, deleted: false, content }] };
    });
}

/**
 * `ADR-0007` from the file name. Files that share a number (or have none)
 * add their slug; files that share that too (`022-eks.md`, `022-EKS.md`)
 * add their file name as written, then a counter.
 */
function identifiers(lineages: Lineage[]): string[] {
  const names = lineages.map((l) => l.paths[l.paths.length - 1]!.replace(/^.*\//, '').replace(/\.md$/i, ''));
  const parsed = names.map((name) => parseAdr('', `${name}.md`));
  const candidates = [
    (i: number) => parsed[i]!.number ?? `ADR-${parsed[i]!.slug}`,
    (i: number) => `${parsed[i]!.number ?? 'ADR'}-${parsed[i]!.slug}`,
    (i: number) => `${parsed[i]!.number ?? 'ADR'}-${names[i]!.replace(/^(?:adr[-_]?)?\d+[-_. ]*/i, '')}`,
  ];
  const chosen = names.map(() => '');
  let open = names.map((_, i) => i);
  for (const candidate of candidates) {
    const counts = new Map<string, number>();
    for (const i of open) counts.set(candidate(i), (counts.get(candidate(i)) ?? 0) + 1);
    for (const i of open) if (counts.get(candidate(i)) === 1) chosen[i] = candidate(i);
    open = open.filter((i) => chosen[i] === '');
  }
  open.forEach((i, k) => (chosen[i] = `${candidates[2]!(i)}-${k + 1}`));
  return chosen;
}

function metadataOf(version: FileVersion, parsed: ParsedAdr): Record<string, unknown> {
  return {
    source: version.commit ? 'git' : 'file',
    path: version.path,
    commit: version.commit,
    commitMessage: version.message,
    authoredAt: version.authoredAt === undefined ? undefined : new Date(version.authoredAt).toISOString(),
    mergedIn: version.mergedIn,
    statusRaw: parsed.statusRaw,
    statusFound: parsed.status !== undefined,
    date: parsed.date,
    links: parsed.links,
  };
}

/**
 * Imports a folder of Markdown ADRs (Nygard's adr-tools or MADR, with or
 * without front matter): identifier from the file name, title, status, date
 * and links such as "Superseded by". With `git`, every commit of HEAD's
 * history that changed a file (on any branch), and every merge whose result
 * differs from what came before it on the main line, becomes a version with
 * its commit's author, dated when it reached the main line. Running it again
 * adds only what is new.
 *
 * @example
 * const result = await importAdrDirectory(db, 'docs/adr', { git: true });
 */
export async function importAdrDirectory(db: TemporalDb, dir: string, options: AdrImportOptions = {}): Promise<AdrImportResult> {
  const lineages = options.git ? lineagesFromGit(dir) : lineagesFromFiles(dir);
  const ids = identifiers(lineages);
  const total = lineages.reduce((n, l) => n + l.versions.length, 0);
  const result: AdrImportResult = { files: lineages.length, versions: total, stored: 0, skipped: 0, deleted: 0, identifiers: ids };
  let done = 0;
  for (const [i, lineage] of lineages.entries()) {
    const identifier = ids[i]!;
    const history = await db.getSpecificationHistory(identifier);
    const commits = new Set(history.map((v) => v.metadata.commit).filter((c) => typeof c === 'string'));
    const deletionChanges = await db.getChanges({ specId: history[0]?.specId ?? '-', changeType: 'Delete' });
    const deletions = new Set(deletionChanges.map((c) => c.reason));
    // Versions may not go back in time, tombstones included: a later run appends after what is stored.
    let floor = Math.max(-Infinity, ...history.map((v) => v.timestamp), ...deletionChanges.map((c) => c.timestamp));
    for (const version of lineage.versions) {
      done++;
      const timestamp = Math.max(version.time, floor);
      if (version.deleted) {
        const reason = `deleted in ${version.commit}${version.message ? `: ${version.message}` : ''}`;
        const latest = await db.getSpecification(identifier);
        if (!latest || deletions.has(reason)) result.skipped++;
        else {
          await db.deleteSpecification(identifier, { reason, timestamp, ...(version.author ? { author: version.author } : {}) });
          floor = timestamp;
          result.deleted++;
          result.stored++;
        }
      } else {
        const latest = await db.getSpecification(identifier);
        const unchanged = version.commit ? commits.has(version.commit) : latest?.hash === (await sha256Hex(version.content));
        if (unchanged) result.skipped++;
        else {
          const parsed = parseAdr(version.content, version.path);
          await db.storeSpecification({
            specType: options.specType ?? 'ADR',
            identifier,
            title: parsed.title ?? parsed.slug ?? identifier,
            content: version.content,
            status: parsed.status ?? 'proposed',
            timestamp,
            metadata: metadataOf(version, parsed),
            ...(version.author ? { author: version.author } : {}),
          });
          floor = timestamp;
          result.stored++;
        }
      }
      options.onProgress?.(done, total);
    }
  }
  return result;
}
