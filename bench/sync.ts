// `npm run bench:sync`, loopback only: (1) N clients replicating M versions
// each through one service, by sync and by whole-file export/import, each run
// checked for loss and duplicates; (2) live-query latency from a write to a
// `watch` listener, in one process, across processes (LMDB, PostgreSQL) and
// across Chromium tabs (IndexedDB).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { formatValue } from './harness.js';
import { runLoad, type LoadFigures } from './sync-load.js';
import { measureLive, type LatencyFigures } from './sync-live.js';
import { SYNC_DEFAULT, SYNC_QUICK, type SyncSize } from './sync-workload.js';
import type { ClientKind } from './sync-clients.js';

const USAGE = `Options:
  --quick              ${SYNC_QUICK.clients} clients x ${SYNC_QUICK.versions} versions, 50 live samples
  --clients N          clients (default ${SYNC_DEFAULT.clients})
  --versions N         versions each client stores (default ${SYNC_DEFAULT.versions})
  --workers N          client processes (default 4)
  --repetitions N      runs of each way, alternating (default 1; --quick 3); the run of median converge time is shown
  --client-store S     memory, lmdb or mixed (every other client on LMDB; the default)
  --samples N          writes per live-latency case (default 200)
  --no-load            only the live-query latency
  --no-live            only the load
  --only WAY           only one way of the load: sync or whole-file
  --no-tabs            leave out the Chromium tabs
  --json FILE          also write the figures as JSON to FILE`;

export interface SyncBenchOptions {
  size: SyncSize;
  workers: number;
  repetitions: number;
  clientStore: 'memory' | 'lmdb' | 'mixed';
  samples: number;
  load: boolean;
  /** The ways of the load to run. */
  ways: Array<'sync' | 'whole-file'>;
  live: boolean;
  tabs: boolean;
  json?: string;
}

export function parseSyncArgs(argv: string[]): SyncBenchOptions {
  const options: SyncBenchOptions = { size: { ...SYNC_DEFAULT }, workers: 4, repetitions: 1, clientStore: 'mixed', samples: 200, load: true, ways: ['sync', 'whole-file'], live: true, tabs: true };
  const numeric: Record<string, (n: number) => void> = {
    '--clients': (n) => (options.size.clients = n),
    '--versions': (n) => (options.size.versions = n),
    '--workers': (n) => (options.workers = n),
    '--repetitions': (n) => (options.repetitions = n),
    '--samples': (n) => (options.samples = n),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--quick') {
      options.size = { ...options.size, clients: SYNC_QUICK.clients, versions: SYNC_QUICK.versions };
      options.samples = 50;
      options.workers = 2;
      options.repetitions = 3;
    } else if (arg === '--no-load') options.load = false;
    else if (arg === '--no-live') options.live = false;
    else if (arg === '--no-tabs') options.tabs = false;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--only') {
      const way = argv[++i];
      if (way !== 'sync' && way !== 'whole-file') throw new Error(`--only takes sync or whole-file\n${USAGE}`);
      options.ways = [way];
    }
    else if (arg === '--client-store') {
      const store = argv[++i];
      if (store !== 'memory' && store !== 'lmdb' && store !== 'mixed') throw new Error(`--client-store takes memory, lmdb or mixed\n${USAGE}`);
      options.clientStore = store;
    } else if (numeric[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} takes a positive whole number\n${USAGE}`);
      numeric[arg](value);
    } else throw new Error(`Unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

export const kindOf = (store: SyncBenchOptions['clientStore']) => (client: number): ClientKind =>
  store === 'mixed' ? (client % 2 ? 'lmdb' : 'memory') : store;

/** The PostgreSQL server the live latency uses, when one answers (as bench:postgres picks it). */
async function reachablePostgres(): Promise<string | undefined> {
  const { PG_URL } = await import('./postgres.js');
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return PG_URL;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Of the runs of one way, the one of median converge time. */
export function medianRun(figures: LoadFigures[], mode: LoadFigures['mode']): LoadFigures | undefined {
  const runs = figures.filter((f) => f.mode === mode).sort((a, b) => a.convergeMs - b.convergeMs);
  return runs[Math.floor((runs.length - 1) / 2)];
}

export function loadTable(figures: LoadFigures[]): string {
  const sync = medianRun(figures, 'sync');
  const file = medianRun(figures, 'whole-file');
  const rows: Array<[string, (f: LoadFigures) => string, boolean]> = [
    ['versions pushed into the service, versions/s', (f) => formatValue(f.pushVersionsPerSecond), true],
    ['push phase, s', (f) => (f.pushMs / 1000).toFixed(1), false],
    ['time to converge (every client holds everything), s', (f) => (f.convergeMs / 1000).toFixed(1), false],
    ['records added on the service and the clients, records/s', (f) => formatValue(f.recordsPerSecond), true],
    ['rounds of sync per client', (f) => (f.mode === 'sync' ? String(f.rounds) : '-'), false],
    ['calls run again after the server closed the connection', (f) => String(f.retries), false],
    ['clients identical to the service', (f) => `${f.identicalClients}/${f.clients}`, false],
    ['record lines on each store (Conflict records)', (f) => `${f.service.lines.toLocaleString('en-US')} (${f.service.conflicts})`, false],
    ['versions lost or duplicated', (f) => String(f.problems.length), false],
  ];
  const lines = ['| | sync | whole-file export/import | sync vs whole-file (above 1: sync faster) |', '|---|---:|---:|---:|'];
  for (const [label, value, rate] of rows) {
    let ratio = '';
    if (sync && file && label.startsWith('time to converge')) ratio = `${(file.convergeMs / sync.convergeMs).toFixed(2)}x`;
    else if (sync && file && rate) {
      const pick = label.startsWith('versions') ? (f: LoadFigures) => f.pushVersionsPerSecond : (f: LoadFigures) => f.recordsPerSecond;
      ratio = `${(pick(sync) / pick(file)).toFixed(2)}x`;
    }
    lines.push(`| ${label} | ${sync ? value(sync) : '-'} | ${file ? value(file) : '-'} | ${ratio} |`);
  }
  return lines.join('\n');
}

export function liveTable(figures: LatencyFigures[]): string {
  const lines = ['| write to listener | p50 ms | p99 ms | max ms | writes | the write itself, p50 ms |', '|---|---:|---:|---:|---:|---:|'];
  for (const f of figures) {
    lines.push(`| ${f.case}${f.note ? ` (${f.note})` : ''} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} | ${f.samples} | ${f.writeP50Ms.toFixed(1)} |`);
  }
  return lines.join('\n');
}

async function main() {
  const options = parseSyncArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(line + '\n');
  const started = Date.now();
  const loadBefore = loadavg();
  const { size } = options;
  const load: LoadFigures[] = [];
  if (options.load) {
    log(
      `${size.clients} clients x ${size.versions} versions (${Math.round(size.sharedShare * 100)}% on identifiers shared by ${size.groupSize} clients), ` +
        `${options.workers} client processes, client stores ${options.clientStore}`,
    );
    for (let rep = 0; rep < options.repetitions; rep++) {
      for (const mode of options.ways) load.push(await runLoad(mode, { size, workers: options.workers, kindOf: kindOf(options.clientStore), log }));
    }
  }
  let live: Awaited<ReturnType<typeof measureLive>> | undefined;
  if (options.live) {
    log(`live queries, ${options.samples} writes per case`);
    live = await measureLive({ samples: options.samples, postgres: await reachablePostgres(), tabs: options.tabs, log });
  }
  const loadAfter = loadavg();
  const machine =
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}` +
    `${live?.chromium ? `, headless Chromium ${live.chromium}` : ''}; load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after`;
  console.log(`\n${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (load.length) {
    console.log(
      `\n${size.clients} clients x ${size.versions.toLocaleString('en-US')} versions through one service (LMDB, its own process), ` +
        `${options.workers} client processes, client stores ${options.clientStore}; ${options.repetitions} run(s) of each way\n`,
    );
    console.log(loadTable(load));
    if (options.repetitions > 1) {
      for (const mode of ['sync', 'whole-file'] as const) {
        console.log(`- ${mode}: converge times ${load.filter((f) => f.mode === mode).map((f) => (f.convergeMs / 1000).toFixed(1)).join(', ')} s`);
      }
    }
    for (const f of load) if (f.problems.length) console.log(`\n${f.mode}: ${f.problems.length} problems, first: ${f.problems.slice(0, 10).join('; ')}`);
  }
  if (live) {
    console.log('\nLive queries: from just before storeSpecification to the watch listener (performance.timeOrigin + performance.now() on both sides)\n');
    console.log(liveTable(live.figures));
    if (live.skipped.length) console.log(`\nNot measured: ${live.skipped.join(', ')}`);
  }
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ machine, size, workers: options.workers, repetitions: options.repetitions, clientStore: options.clientStore, load, live }, null, 2));
    log(`figures written to ${options.json}`);
  }
  if (load.some((f) => f.problems.length > 0)) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
