// The data of `npm run bench:sync`: what each client stores before it syncs,
// and what every store must hold once they have all converged. Deterministic:
// client i's versions depend only on i and the size.
import { createHash } from 'node:crypto';

export interface SyncSize {
  clients: number;
  /** Versions each client stores. */
  versions: number;
  /** Of those, the share written to identifiers shared with the other clients of its group. */
  sharedShare: number;
  /** Clients per group; a group's clients edit the same shared identifiers concurrently. */
  groupSize: number;
  /** Identifiers of its own per client. */
  ownIdentifiers: number;
  /** Shared identifiers per group. */
  sharedIdentifiers: number;
}

export const SYNC_DEFAULT: SyncSize = { clients: 100, versions: 1000, sharedShare: 0.1, groupSize: 4, ownIdentifiers: 10, sharedIdentifiers: 2 };
export const SYNC_QUICK: SyncSize = { ...SYNC_DEFAULT, clients: 10, versions: 100 };

export interface ClientVersion {
  specType: 'ADR';
  identifier: string;
  title: string;
  content: string;
  timestamp: number;
}

const START = Date.UTC(2026, 0, 1);
const pad = (n: number, width = 3) => String(n).padStart(width, '0');
const sharedCount = (size: SyncSize) => Math.round(size.versions * size.sharedShare);
const groupOf = (size: SyncSize, client: number) => Math.floor(client / size.groupSize);

/** About 400 characters of text that differ per version (as an ADR's paragraph would). */
function body(client: number, n: number): string {
  const seed = createHash('sha256').update(`${client}:${n}`).digest('hex');
  return `Client ${client} writes version ${n}. ${seed} `.repeat(4);
}

/** Client `client`'s versions, in the order it stores them: its own identifiers and its group's shared ones interleaved. */
export function clientVersions(size: SyncSize, client: number): ClientVersion[] {
  const shared = sharedCount(size);
  const own = size.versions - shared;
  const out: ClientVersion[] = [];
  const every = shared > 0 ? Math.max(1, Math.floor(size.versions / shared)) : Infinity;
  let o = 0;
  let s = 0;
  for (let n = 0; n < size.versions; n++) {
    const sharedTurn = s < shared && (n % every === every - 1 || own - o === 0);
    const identifier = sharedTurn
      ? `ADR-G${pad(groupOf(size, client))}-${pad(s++ % size.sharedIdentifiers, 2)}`
      : `ADR-C${pad(client)}-${pad(o++ % size.ownIdentifiers, 2)}`;
    out.push({
      specType: 'ADR',
      identifier,
      title: `Decision ${identifier}`,
      content: body(client, n),
      // Clients write at the same times, so shared identifiers get siblings stamped alike or close.
      timestamp: START + n * 60_000 + client,
    });
  }
  return out;
}

/** Versions every store must hold per identifier once converged (siblings counted each). */
export function expectedVersions(size: SyncSize): Map<string, number> {
  const counts = new Map<string, number>();
  for (let c = 0; c < size.clients; c++) {
    for (const v of clientVersions(size, c)) counts.set(v.identifier, (counts.get(v.identifier) ?? 0) + 1);
  }
  return counts;
}

/** What a store's export says about itself: a digest of its record lines, and its versions per identifier. */
export interface ExportDigest {
  /** SHA-256 of the record lines (every line but the header, which holds the export time). */
  sha256: string;
  lines: number;
  /** Specification version lines per identifier. */
  versions: Record<string, number>;
  /** Version ids seen more than once (a duplicate). */
  duplicateIds: number;
  conflicts: number;
}

/** Digests export lines (the header first, as `exportLines` and `GET /v1/export` give them). */
export async function digestLines(lines: AsyncIterable<string>): Promise<ExportDigest> {
  const hash = createHash('sha256');
  const versions: Record<string, number> = {};
  const ids = new Set<string>();
  let duplicateIds = 0;
  let conflicts = 0;
  let count = 0;
  let first = true;
  for await (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if (first) {
      first = false;
      continue;
    }
    count++;
    hash.update(line).update('\n');
    if (line.startsWith('{"table":"specifications"')) {
      const { record } = JSON.parse(line) as { record: { id: string; identifier: string } };
      versions[record.identifier] = (versions[record.identifier] ?? 0) + 1;
      if (ids.has(record.id)) duplicateIds++;
      ids.add(record.id);
    } else if (line.startsWith('{"table":"changes"') && line.includes('"changeType":"Conflict"')) {
      conflicts++;
    }
  }
  return { sha256: hash.digest('hex'), lines: count, versions, duplicateIds, conflicts };
}

/** Every way `digest` differs from what the workload must give: missing or extra versions, duplicates. */
export function versionProblems(size: SyncSize, digest: ExportDigest, expected = expectedVersions(size)): string[] {
  const problems: string[] = [];
  for (const [identifier, n] of expected) {
    const got = digest.versions[identifier] ?? 0;
    if (got !== n) problems.push(`${identifier}: ${got} versions, expected ${n}`);
  }
  for (const identifier of Object.keys(digest.versions)) if (!expected.has(identifier)) problems.push(`${identifier}: not written by any client`);
  if (digest.duplicateIds > 0) problems.push(`${digest.duplicateIds} version ids appear twice`);
  return problems;
}
