import type { SpecStatus } from '../core/types.js';

/** A relation from one ADR to another, as written in its text. */
export interface AdrLink {
  type: 'supersedes' | 'supersededBy' | 'amends' | 'amendedBy' | 'clarifies' | 'clarifiedBy' | 'extends' | 'extendedBy';
  /** `ADR-<n>` with the zero padding the text or link used. */
  target: string;
}

/** What an ADR file says about itself. */
export interface ParsedAdr {
  /** `ADR-` + the leading number of the file name (`0007-use-postgres.md` gives `ADR-0007`), or undefined. */
  number?: string;
  /** The rest of the file name, lower-cased, other characters turned into `-`. */
  slug: string;
  title?: string;
  status?: SpecStatus;
  /** The status as written, without Markdown emphasis or HTML tags. */
  statusRaw?: string;
  /** A `Date:` line or front-matter `date:` (as written). */
  date?: string;
  links: AdrLink[];
}

const STATUS_KEYWORDS: Array<[RegExp, SpecStatus]> = [
  [/supersed|replaced by/, 'superseded'],
  [/deprecat|obsolete|retired/, 'deprecated'],
  [/reject|declined|abandoned|withdrawn/, 'rejected'],
  [/accept|approved|agreed|adopted|decided|implemented/, 'accepted'],
  [/propos|draft|pending|review|discussion/, 'proposed'],
];

/** The status whose keyword appears earliest ("Proposed, supersedes 0002" is proposed). */
export function normalizeStatus(raw: string): SpecStatus | undefined {
  const text = raw.toLowerCase();
  let best: { at: number; status: SpecStatus } | undefined;
  for (const [pattern, status] of STATUS_KEYWORDS) {
    const at = text.search(pattern);
    if (at >= 0 && (!best || at < best.at)) best = { at, status };
  }
  return best?.status;
}

const clean = (text: string) =>
  text
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`]+/g, '')
    .replace(/^[\s:|-]+|[\s|]+$/g, '')
    .trim();

function frontMatter(lines: string[]): { fields: Map<string, string>; end: number } {
  const fields = new Map<string, string>();
  if (lines[0]?.trim() !== '---') return { fields, end: 0 };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '---') return { fields, end: i + 1 };
    const match = /^([A-Za-z_-]+)\s*:\s*(.*)$/.exec(lines[i]!);
    if (match) fields.set(match[1]!.toLowerCase(), match[2]!.replace(/^["']|["']$/g, '').trim());
  }
  return { fields: new Map(), end: 0 };
}

interface Heading {
  line: number;
  level: number;
  text: string;
}

/**
 * The lines with every fenced code block (``` or ~~~, fences included)
 * blanked: a template quoted in an ADR (`status: accepted`, `# Status`)
 * says nothing about the ADR itself. A fence closes on the same character
 * repeated at least as often; an unclosed fence runs to the end.
 */
function outsideFences(lines: string[], from: number): string[] {
  const visible = lines.slice();
  let fence: { char: string; length: number } | undefined;
  for (let i = from; i < lines.length; i++) {
    const match = /^[ \t]*(?:>[ \t]*)*(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (fence === undefined) {
      // A backtick fence's info string cannot hold a backtick (that is inline code).
      if (match && !(match[1]![0] === '`' && match[2]!.includes('`'))) fence = { char: match[1]![0]!, length: match[1]!.length };
    } else if (match && match[1]![0] === fence.char && match[1]!.length >= fence.length && match[2]!.trim() === '') {
      visible[i] = '';
      fence = undefined;
      continue;
    }
    if (fence !== undefined) visible[i] = '';
  }
  return visible;
}

/** ATX and setext headings (of lines with code fences blanked). */
function headings(lines: string[], from: number): Heading[] {
  const found: Heading[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const atx = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (atx) found.push({ line: i, level: atx[1]!.length, text: atx[2]! });
    else if (i > from && /^(=+|-+)\s*$/.test(line) && lines[i - 1]!.trim() !== '' && !/^\s*[-*+]\s/.test(lines[i - 1]!)) {
      found.push({ line: i - 1, level: line.trim().startsWith('=') ? 1 : 2, text: lines[i - 1]!.trim() });
    }
  }
  return found;
}

function statusText(lines: string[], from: number, heads: Heading[], fields: Map<string, string>): string | undefined {
  const fromFront = fields.get('status');
  if (fromFront) return fromFront;
  const section = heads.find((h) => /^status$/i.test(clean(h.text)));
  if (section) {
    for (let i = section.line + 1; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (/^(=+|-+)$/.test(line)) continue;
      if (heads.some((h) => h.line === i)) break;
      if (line) return line;
    }
  }
  const inline = heads.find((h) => /^status\s*:/i.test(clean(h.text)));
  if (inline) return clean(h(inline.text));
  for (const line of lines.slice(from)) {
    const bold = /^\s*[*_]{0,2}status[*_]{0,2}\s*:\s*(.+)$/i.exec(line);
    if (bold) return bold[1];
    const row = /^\s*\|\s*status\s*\|\s*([^|]+)\|/i.exec(line);
    if (row) return row[1];
  }
  return undefined;
}

const h = (text: string) => text.replace(/^status\s*:\s*/i, '');

const LINK_PATTERNS: Array<[RegExp, AdrLink['type']]> = [
  [/superseded(\s+by)?/i, 'supersededBy'],
  [/supersedes/i, 'supersedes'],
  [/amended\s+by/i, 'amendedBy'],
  [/amends/i, 'amends'],
  [/clarified\s+by/i, 'clarifiedBy'],
  [/clarifies/i, 'clarifies'],
  [/extended\s+by/i, 'extendedBy'],
  [/extends/i, 'extends'],
];

/** "Superseded by [5. Use X](0005-use-x.md)", "Amends ADR-0003", ... */
function links(lines: string[]): AdrLink[] {
  const found: AdrLink[] = [];
  for (const line of lines) {
    for (const [pattern, type] of LINK_PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const rest = line.slice(match.index + match[0].length);
      // Every linked ADR after the keyword; the number as the link's file name pads it.
      const linked = [...rest.matchAll(/\]\(\.?\/?(?:[^)]*\/)?(?:adr-)?(\d+)[^)]*\)/gi)].map((m) => m[1]!);
      const targets = linked.length > 0 ? linked : [/(?:ADR[-\s]?)?(\d{1,5})\b/i.exec(rest)?.[1]].filter((t): t is string => !!t);
      for (const target of targets) {
        if (!found.some((l) => l.type === type && l.target === `ADR-${target}`)) found.push({ type, target: `ADR-${target}` });
      }
      break;
    }
  }
  return found;
}

/** Reads an ADR in the common formats (Nygard's adr-tools, MADR, with or without front matter). */
export function parseAdr(markdown: string, fileName: string): ParsedAdr {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  const numbered = /^(?:adr[-_]?)?(\d+)[-_. ]*(.*)$/i.exec(base);
  const slug = (numbered ? numbered[2]! : base)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const all = markdown.replace(/^\ufeff/, '').split(/\r?\n/);
  const { fields, end } = frontMatter(all);
  // Nothing inside a code fence counts, for any field.
  const lines = outsideFences(all, end);
  const heads = headings(lines, end);
  const title = heads[0] ? heads[0].text.replace(/<[^>]+>/g, '').trim() : fields.get('title');
  const rawStatus = statusText(lines, end, heads, fields);
  const statusRaw = rawStatus ? clean(rawStatus) : undefined;
  const dateLine = lines.slice(end).find((line) => /^\s*[*_]{0,2}date[*_]{0,2}\s*:/i.test(line));
  const date = fields.get('date') ?? (dateLine ? clean(dateLine.replace(/^\s*[*_]{0,2}date[*_]{0,2}\s*:/i, '')) : undefined);
  const parsed: ParsedAdr = { slug, links: links(lines.slice(end)) };
  if (numbered) parsed.number = `ADR-${numbered[1]}`;
  if (title) parsed.title = title;
  if (statusRaw) {
    parsed.statusRaw = statusRaw;
    const status = normalizeStatus(statusRaw);
    if (status) parsed.status = status;
  }
  if (date) parsed.date = date;
  return parsed;
}
