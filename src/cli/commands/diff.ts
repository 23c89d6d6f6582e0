import { TemporalDbError } from '../../core/errors.js';
import type { Specification } from '../../core/types.js';
import { versionArgument } from '../args.js';
import type { CommandRun } from '../commands.js';
import { formatTime } from '../format.js';
import { diffLines, formatHunks, toHunks, type DiffLine, type Hunk } from '../line-diff.js';
import { withStore } from '../store-access.js';

/** The fields a version states, besides its content; ids, hashes and times identify the version instead. */
const FIELDS = ['specType', 'title', 'status', 'author', 'tags', 'matrixIds', 'templateVariables', 'metadata'] as const;

export interface SpecificationDiff {
  identifier: string;
  from: { version: number; id: string; timestamp: number; hash: string };
  to: { version: number; id: string; timestamp: number; hash: string };
  /** Each field that differs, with its old and new value (`null` where a version has none). */
  fields: Record<string, { from: unknown; to: unknown }>;
  /** The content's unified-diff hunks (3 lines of context). */
  content: Hunk[];
}

/** What changed from one version of a specification to another. */
export function diffSpecifications(from: Specification, to: Specification): SpecificationDiff {
  const fields: SpecificationDiff['fields'] = {};
  for (const field of FIELDS) {
    const a = from[field] ?? null;
    const b = to[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) fields[field] = { from: a, to: b };
  }
  const version = (s: Specification) => ({ version: s.version, id: s.id, timestamp: s.timestamp, hash: s.hash });
  return {
    identifier: from.identifier,
    from: version(from),
    to: version(to),
    fields,
    content: from.hash === to.hash ? [] : toHunks(diffLines(from.content.split('\n'), to.content.split('\n'))),
  };
}

const COLORS: Record<DiffLine['op'] | 'hunk', string> = { delete: '\x1b[31m', insert: '\x1b[32m', hunk: '\x1b[36m', equal: '' };

export function formatSpecificationDiff(diff: SpecificationDiff, color = false): string {
  const paint = (op: DiffLine['op'] | 'hunk', text: string) => (color && COLORS[op] ? `${COLORS[op]}${text}\x1b[0m` : text);
  const fields = Object.entries(diff.fields).map(([name, { from, to }]) => `${name}: ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
  if (fields.length === 0 && diff.content.length === 0) return `No differences between ${diff.identifier} v${diff.from.version} and v${diff.to.version}`;
  return [
    paint('delete', `--- ${diff.identifier} v${diff.from.version}  ${formatTime(diff.from.timestamp)}`),
    paint('insert', `+++ ${diff.identifier} v${diff.to.version}  ${formatTime(diff.to.timestamp)}`),
    ...fields,
    ...formatHunks(diff.content, paint),
  ].join('\n');
}

export const diff: CommandRun = async ({ args, storePath, out }) => {
  const [identifier, first, second] = args as [string, string, string];
  const versions = [versionArgument(first, 'v1'), versionArgument(second, 'v2')] as const;
  const [from, to] = await withStore(storePath, 'existing', (db) =>
    Promise.all(versions.map((version) => db.getSpecification(identifier, { version }))),
  );
  for (const [i, spec] of [from, to].entries()) {
    if (!spec) throw new TemporalDbError('NOT_FOUND', `"${identifier}" has no version ${versions[i]}; try: temporal-db history ${identifier}`, { path: [`v${i + 1}`] });
  }
  const result = diffSpecifications(from!, to!);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  out.data(result, () => formatSpecificationDiff(result, color));
};
