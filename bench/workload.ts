// A seeded, deterministic workload shared by the Node and browser benchmarks,
// and the in-memory oracle every engine's answers are checked against.
import { tfidfCosine, jsonText } from '../src/core/similarity.js';
import type { SpecType } from '../src/index.js';

export interface WorkloadSize {
  identifiers: number;
  versions: number;
  decisions: number;
  patterns: number;
  /** Reads per read workload (latest, as-of). */
  reads: number;
  seed: number;
  /** Years the workload spans (default 1); `--history-scale N` spans N years at the same rates. */
  years?: number;
}

// The size issue 9 measured at: 300 specifications x 50 versions, 100k decisions.
export const DEFAULT_SIZE: WorkloadSize = {
  identifiers: 300,
  versions: 50,
  decisions: 100_000,
  patterns: 5_000,
  reads: 20_000,
  seed: 1,
};

/** The browser's default, as issue 9 measured it: 300 x 30 versions, 50k decisions. */
export const BROWSER_DEFAULT_SIZE: WorkloadSize = {
  identifiers: 300,
  versions: 30,
  decisions: 50_000,
  patterns: 2_000,
  reads: 5_000,
  seed: 1,
};

export const QUICK_SIZE: WorkloadSize = {
  identifiers: 200,
  versions: 25,
  decisions: 20_000,
  patterns: 2_000,
  reads: 5_000,
  seed: 1,
};

/** IndexedDB reads cost a browser round trip each, so the browser's quick run is smaller still. */
export const BROWSER_QUICK_SIZE: WorkloadSize = {
  identifiers: 100,
  versions: 20,
  decisions: 5_000,
  patterns: 1_000,
  reads: 1_000,
  seed: 1,
};

export const DAY = 86_400_000;
export const YEAR_START = Date.UTC(2025, 0, 1);
export const YEAR_END = YEAR_START + 365 * DAY;

/** The end of the span a workload of this size covers. */
export const spanEnd = (size: WorkloadSize) => YEAR_START + (size.years ?? 1) * 365 * DAY;

/**
 * The same workload with N times the history: N times the versions per
 * specification, decisions and patterns, over N years, so that every rate
 * (and every 30-day or 7-day window) holds what it held at scale 1.
 */
export function scaleHistory(size: WorkloadSize, factor: number): WorkloadSize {
  return {
    ...size,
    versions: size.versions * factor,
    decisions: size.decisions * factor,
    patterns: size.patterns * factor,
    years: (size.years ?? 1) * factor,
  };
}

export interface SpecVersion {
  specType: SpecType;
  identifier: string;
  version: number;
  title: string;
  content: string;
  author: string;
  status: 'proposed' | 'accepted' | 'deprecated';
  tags: string[];
  timestamp: number;
}

export interface DecisionEvent {
  identifier: string;
  decisionPoint: string;
  selectedOption: string;
  context: string;
  author: string;
  confidence: number;
  timestamp: number;
}

export interface PatternSeed {
  patternName: string;
  patternType: 'Domain' | 'Application' | 'Infrastructure' | 'Interface';
  patternDefinition: { intent: string };
  examples: string[];
  successRate: number;
  timestamp: number;
}

export function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast, deterministic, good enough to spread a workload.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

const WORDS = (
  'service event queue cache store index version decision pattern domain layer boundary contract schema ' +
  'latency throughput replica partition shard consensus ledger snapshot stream batch window retention ' +
  'gateway adapter repository aggregate projection saga command query module component interface ' +
  'deployment cluster region failover backup restore migration rollout feature flag audit policy token ' +
  'browser offline sync conflict merge history timeline instant tombstone identifier encoding order'
).split(' ');

const DECISION_POINTS = Array.from({ length: 40 }, (_, i) => `decision-point-${String(i).padStart(2, '0')}`);
const OPTIONS = ['option-a', 'option-b', 'option-c', 'option-d'];
const SPEC_TYPES: SpecType[] = ['ADR', 'PRD', 'SDS', 'TS'];

function sentence(next: () => number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) out += (i ? ' ' : '') + WORDS[Math.floor(next() * WORDS.length)];
  return out;
}

export interface Workload {
  size: WorkloadSize;
  /** Every specification version in time order (identifiers interleaved). */
  versions: SpecVersion[];
  decisions: DecisionEvent[];
  patterns: PatternSeed[];
  identifiers: string[];
}

export function makeWorkload(size: WorkloadSize): Workload {
  const next = rng(size.seed);
  const identifiers = Array.from({ length: size.identifiers }, (_, i) => `SPEC-${String(i).padStart(5, '0')}`);
  const total = size.identifiers * size.versions;
  const end = spanEnd(size);
  const step = (end - YEAR_START) / total;
  const remaining = new Array<number>(size.identifiers).fill(size.versions);
  const nextVersion = new Array<number>(size.identifiers).fill(1);
  const open = identifiers.map((_, i) => i);
  const versions: SpecVersion[] = [];
  for (let k = 0; k < total; k++) {
    const pick = Math.floor(next() * open.length);
    const index = open[pick]!;
    const version = nextVersion[index]!++;
    if (--remaining[index]! === 0) open.splice(pick, 1);
    const statuses = ['proposed', 'accepted', 'deprecated'] as const;
    versions.push({
      specType: SPEC_TYPES[index % SPEC_TYPES.length]!,
      identifier: identifiers[index]!,
      version,
      title: `${identifiers[index]} ${sentence(next, 4)}`,
      // About 1 KB of text per version.
      content: sentence(next, 140),
      author: `author-${Math.floor(next() * 20)}`,
      status: statuses[Math.min(2, Math.floor((version / size.versions) * 3))]!,
      tags: [WORDS[index % WORDS.length]!, WORDS[(index * 7) % WORDS.length]!],
      timestamp: Math.floor(YEAR_START + k * step),
    });
  }
  const contexts = Array.from({ length: 200 }, () => sentence(next, 6));
  const decisions: DecisionEvent[] = [];
  const decisionStep = (end - YEAR_START) / size.decisions;
  for (let k = 0; k < size.decisions; k++) {
    decisions.push({
      identifier: identifiers[Math.floor(next() * identifiers.length)]!,
      decisionPoint: DECISION_POINTS[Math.floor(next() * DECISION_POINTS.length)]!,
      selectedOption: OPTIONS[Math.floor(next() * OPTIONS.length)]!,
      context: contexts[Math.floor(next() * contexts.length)]!,
      author: `author-${Math.floor(next() * 20)}`,
      confidence: Math.round(next() * 100) / 100,
      timestamp: Math.floor(YEAR_START + k * decisionStep),
    });
  }
  const types = ['Domain', 'Application', 'Infrastructure', 'Interface'] as const;
  const patterns: PatternSeed[] = Array.from({ length: size.patterns }, (_, i) => ({
    patternName: `${sentence(next, 2)} pattern ${i}`,
    patternType: types[i % types.length]!,
    patternDefinition: { intent: sentence(next, 12) },
    examples: [sentence(next, 8), sentence(next, 8)],
    successRate: Math.round(next() * 100) / 100,
    timestamp: Math.floor(YEAR_START + next() * (end - YEAR_START)),
  }));
  return { size, versions, decisions, patterns, identifiers };
}

/** The queries every engine answers, drawn from the same seed. */
export interface Queries {
  latest: string[];
  asOf: Array<[string, number]>;
  history: string[];
  windows: Array<[number, number]>;
  analyze: number[];
  similar: string[];
}

export function makeQueries(workload: Workload): Queries {
  const next = rng(workload.size.seed + 99);
  const pickId = () => workload.identifiers[Math.floor(next() * workload.identifiers.length)]!;
  const end = spanEnd(workload.size);
  const instant = () => Math.floor(YEAR_START + next() * (end - YEAR_START));
  const reads = workload.size.reads;
  return {
    latest: Array.from({ length: reads }, pickId),
    asOf: Array.from({ length: reads }, () => [pickId(), instant()] as [string, number]),
    history: Array.from({ length: Math.max(50, Math.floor(reads / 20)) }, pickId),
    windows: Array.from({ length: 40 }, () => {
      const since = Math.floor(YEAR_START + next() * (end - YEAR_START - 7 * DAY));
      return [since, since + 7 * DAY] as [number, number];
    }),
    // "now" for each analysis: spread over the second half of the span.
    analyze: Array.from({ length: 10 }, () => Math.floor(YEAR_START + (0.5 + next() * 0.5) * (end - YEAR_START))),
    similar: Array.from({ length: 10 }, () => sentence(next, 5)),
  };
}

/** Compact answers, comparable across engines whose generated ids differ. */
export const digest = {
  version: (v: { identifier: string; version: number; status: string } | undefined) =>
    v ? `${v.identifier}@${v.version}:${v.status}` : '-',
  history: (vs: Array<{ version: number }>) => `${vs.length}:${vs.map((v) => v.version).join(',')}`,
  /** Count, an order-independent checksum, and whether the list is in time order. */
  changes: (cs: Array<{ identifier: string; changeType: string; timestamp: number }>) => {
    let checksum = 0;
    let ordered = true;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      checksum = (checksum + (c.timestamp % 1_000_003) * (c.changeType.length + c.identifier.length)) % 2_147_483_647;
      if (i > 0 && cs[i - 1]!.timestamp > c.timestamp) ordered = false;
    }
    return `${cs.length}:${checksum}:${ordered ? 'ordered' : 'UNORDERED'}`;
  },
  analysis: (rows: Array<{ decisionPoint: string; totalDecisions: number; selectedCount: number; contexts: string[] }>) =>
    rows
      .map((r) => `${r.decisionPoint}=${r.totalDecisions}/${r.selectedCount}/${r.contexts.length}`)
      .sort()
      .join(','),
  similar: (rows: Array<{ name: string; score: number }>) =>
    rows
      .slice(0, 10)
      .map((r) => `${r.name}~${r.score.toFixed(6)}`)
      .join(','),
};

/** Answers straight from the workload arrays: the truth the engines must match. */
export function oracle(workload: Workload) {
  const byId = new Map<string, SpecVersion[]>();
  for (const v of workload.versions) {
    const list = byId.get(v.identifier) ?? [];
    list.push(v);
    byId.set(v.identifier, list);
  }
  // Every change in time order: a Create/Update per version, a Decision per decision.
  const changes = [
    ...workload.versions.map((v) => ({
      identifier: v.identifier,
      changeType: v.version === 1 ? 'Create' : 'Update',
      timestamp: v.timestamp,
      order: 0,
    })),
    ...workload.decisions.map((d) => ({ identifier: d.identifier, changeType: 'Decision', timestamp: d.timestamp, order: 1 })),
  ];
  return {
    latest: (id: string) => digest.version(byId.get(id)?.at(-1)),
    asOf: (id: string, t: number) => digest.version(byId.get(id)?.filter((v) => v.timestamp <= t).at(-1)),
    history: (id: string) => digest.history(byId.get(id) ?? []),
    changes: (since: number, until: number) =>
      digest.changes(
        changes.filter((c) => c.timestamp >= since && c.timestamp <= until).sort((a, b) => a.timestamp - b.timestamp),
      ),
    analysis: (now: number, days: number) => {
      const groups = new Map<string, { total: number; selected: number; contexts: Set<string> }>();
      for (const d of workload.decisions) {
        if (d.timestamp < now - days * DAY || d.timestamp > now) continue;
        const g = groups.get(d.decisionPoint) ?? { total: 0, selected: 0, contexts: new Set<string>() };
        g.total++;
        if (d.confidence > 0.7) g.selected++;
        g.contexts.add(d.context);
        groups.set(d.decisionPoint, g);
      }
      return digest.analysis(
        [...groups].map(([decisionPoint, g]) => ({
          decisionPoint,
          totalDecisions: g.total,
          selectedCount: g.selected,
          contexts: [...g.contexts],
        })),
      );
    },
    similar: (context: string, threshold: number, since: number) => {
      const candidates = workload.patterns.filter((p) => p.timestamp >= since);
      const docs = candidates.map((p) => [p.patternName, jsonText(p.patternDefinition), p.examples.join(' ')].join(' '));
      const scores = tfidfCosine(context, docs);
      return digest.similar(
        candidates
          .map((p, i) => ({ name: p.patternName, score: scores[i]! }))
          .filter((r) => r.score >= threshold)
          .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      );
    },
  };
}
