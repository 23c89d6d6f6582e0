// What a first run stores, so the app has something to show: a few ADRs with several versions each and the
// decisions taken on them, dated in the last months (the analysis looks back from today).
import type { DecisionInput, SpecificationInput, TemporalDb } from 'temporal-db';

const DAY = 86_400_000;

/** The seeded versions, oldest first per identifier; `daysAgo` becomes the version's timestamp. */
export const SEED_VERSIONS: (Omit<SpecificationInput, 'timestamp'> & { daysAgo: number })[] = [
  {
    specType: 'ADR',
    identifier: 'ADR-001',
    title: 'Record architecture decisions',
    status: 'proposed',
    author: 'ana',
    daysAgo: 90,
    content: ['# Context', 'Decisions get lost in chat threads.', '', '# Decision', 'We write an ADR for every significant decision.'].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-001',
    title: 'Record architecture decisions',
    status: 'accepted',
    author: 'ana',
    daysAgo: 80,
    content: [
      '# Context',
      'Decisions get lost in chat threads.',
      '',
      '# Decision',
      'We write an ADR for every significant decision.',
      'ADRs are versioned in temporal-db, so we can read what was decided at any date.',
    ].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-002',
    title: 'Keep browser data in IndexedDB',
    status: 'proposed',
    author: 'ben',
    daysAgo: 60,
    content: [
      '# Context',
      'The app must work without a network.',
      '',
      '# Decision',
      'Store everything in localStorage.',
      '',
      '# Consequences',
      'Five megabytes at most.',
    ].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-002',
    title: 'Keep browser data in IndexedDB',
    status: 'accepted',
    author: 'ben',
    daysAgo: 45,
    content: [
      '# Context',
      'The app must work without a network.',
      '',
      '# Decision',
      'Store everything in IndexedDB through temporal-db.',
      'Ask for persistent storage on first run.',
      '',
      '# Consequences',
      'Quota is a share of the disk, not five megabytes.',
      'Transactions are atomic across tables.',
    ].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-002',
    title: 'Keep browser data in IndexedDB',
    status: 'accepted',
    author: 'chloe',
    daysAgo: 12,
    content: [
      '# Context',
      'The app must work without a network.',
      '',
      '# Decision',
      'Store everything in IndexedDB through temporal-db.',
      'Ask for persistent storage on first run.',
      'Cache the app shell with a service worker.',
      '',
      '# Consequences',
      'Quota is a share of the disk, not five megabytes.',
      'Transactions are atomic across tables.',
    ].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-003',
    title: 'Synchronise through the Node service',
    status: 'proposed',
    author: 'ana',
    daysAgo: 30,
    content: ['# Context', 'Several browsers edit the same ADRs.', '', '# Decision', 'Poll the service every minute.'].join('\n'),
  },
  {
    specType: 'ADR',
    identifier: 'ADR-003',
    title: 'Synchronise through the Node service',
    status: 'accepted',
    author: 'ana',
    daysAgo: 8,
    content: [
      '# Context',
      'Several browsers edit the same ADRs.',
      '',
      '# Decision',
      'Push after every local write; pull when the service sends a poke.',
      'Versions are immutable, so a sync is a union of records.',
    ].join('\n'),
  },
  {
    specType: 'PRD',
    identifier: 'PRD-001',
    title: 'Edit decisions offline',
    status: 'accepted',
    author: 'dev',
    daysAgo: 70,
    content: ['Architects read and write ADRs on a train.', 'Nothing they write is lost when the network returns.'].join('\n'),
  },
];

/** The seeded decisions; `daysAgo` becomes the decision's timestamp. */
export const SEED_DECISIONS: (Omit<DecisionInput, 'timestamp'> & { daysAgo: number })[] = [
  { specId: 'ADR-002', decisionPoint: 'browser-storage', selectedOption: 'IndexedDB', context: 'offline editing', author: 'ben', confidence: 0.9, daysAgo: 25 },
  { specId: 'ADR-002', decisionPoint: 'browser-storage', selectedOption: 'IndexedDB', context: 'large histories', author: 'chloe', confidence: 0.8, daysAgo: 11 },
  { specId: 'ADR-002', decisionPoint: 'browser-storage', selectedOption: 'OPFS', context: 'file-like access', author: 'dev', confidence: 0.4, daysAgo: 10 },
  { specId: 'ADR-003', decisionPoint: 'sync-transport', selectedOption: 'HTTP + SSE', context: 'through proxies', author: 'ana', confidence: 0.85, daysAgo: 7 },
  { specId: 'ADR-003', decisionPoint: 'sync-transport', selectedOption: 'WebSocket', context: 'low latency', author: 'ben', confidence: 0.6, daysAgo: 6 },
  { specId: 'ADR-003', decisionPoint: 'sync-transport', selectedOption: 'HTTP + SSE', context: 'simple servers', author: 'chloe', confidence: 0.75, daysAgo: 5 },
  { specId: 'ADR-001', decisionPoint: 'decision-format', selectedOption: 'Markdown ADR', context: 'reviews in pull requests', author: 'ana', confidence: 0.95, daysAgo: 20 },
];

/**
 * Seeds an empty store and leaves any other alone. `fill` runs first on an empty store (a first sync, say), and the
 * seed only if the store is still empty after it. A Web Lock keeps two tabs opened at once from both seeding.
 *
 * @example
 * await seedIfEmpty(db);
 */
export async function seedIfEmpty(db: TemporalDb, options: { fill?: () => Promise<unknown>; now?: number } = {}): Promise<boolean> {
  const empty = async () => (await db.listSpecifications()).length === 0;
  const seed = async () => {
    if (!(await empty())) return false;
    await options.fill?.();
    if (!(await empty())) return false;
    const now = options.now ?? Date.now();
    for (const { daysAgo, ...version } of SEED_VERSIONS) await db.storeSpecification({ ...version, timestamp: now - daysAgo * DAY });
    await db.recordDecisions(SEED_DECISIONS.map(({ daysAgo, ...decision }) => ({ ...decision, timestamp: now - daysAgo * DAY })));
    return true;
  };
  return navigator.locks ? navigator.locks.request('temporal-db-web-app-seed', seed) : seed();
}
