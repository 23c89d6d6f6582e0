// Part 2 of `npm run bench:sync`: how long after a write a `watch` listener
// fires, in the same process, in another process on the same LMDB store or
// PostgreSQL schema, and in another tab on the same IndexedDB database. One
// writer stores a version at a time, waits until the listener has heard it,
// then pauses a random 5 to 25 ms (so writes fall anywhere in LMDB's 50 ms
// poll). The latency runs from just before `storeSpecification` is called
// (the writer's time, carried in the version's content) to the listener's
// call, both read as performance.timeOrigin + performance.now().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TemporalDb } from '../src/core/temporal-db.js';
import { watch } from '../src/live.js';

export interface LatencyFigures {
  case: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Median time the write itself took to resolve in the writer, for comparison. */
  writeP50Ms: number;
  note?: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pause = () => sleep(5 + Math.random() * 20);
const IDENTIFIER = 'ADR-LIVE';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

export function summarize(name: string, latencies: number[], writes: number[], note?: string): LatencyFigures {
  return {
    case: name,
    samples: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    writeP50Ms: percentile(writes, 0.5),
    ...(note ? { note } : {}),
  };
}

/** Heard versions, resolved by version number. */
function waiter() {
  const heard = new Map<number, number>();
  const waiting = new Map<number, (latency: number) => void>();
  return {
    heard(version: number, latency: number) {
      const w = waiting.get(version);
      if (w) {
        waiting.delete(version);
        w(latency);
      } else heard.set(version, latency);
    },
    for(version: number, timeoutMs = 10_000): Promise<number> {
      if (heard.has(version)) return Promise.resolve(heard.get(version)!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the listener did not hear version ${version} within ${timeoutMs} ms`)), timeoutMs);
        waiting.set(version, (latency) => {
          clearTimeout(timer);
          resolve(latency);
        });
      });
    },
  };
}

async function writeLoop(samples: number, write: () => Promise<number>, heard: (version: number) => Promise<number>) {
  const latencies: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const version = await write();
    writes.push(performance.now() - t);
    latencies.push(await heard(version));
    await pause();
  }
  return { latencies, writes };
}

const writeOn = (db: TemporalDb) => async () => (await db.storeSpecification({ specType: 'ADR', identifier: IDENTIFIER, title: 'live', content: String(clock()) })).version;

/** Writer and listener on one handle in this process. */
export async function sameProcess(name: string, db: TemporalDb, samples: number): Promise<LatencyFigures> {
  const w = waiter();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  let first = true;
  const stop = watch(db, { latest: IDENTIFIER }, (spec) => {
    const heard = clock();
    if (first) {
      first = false;
      ready();
    } else if (spec) w.heard(spec.version, heard - Number(spec.content));
  });
  await started;
  try {
    const { latencies, writes } = await writeLoop(samples, writeOn(db), (v) => w.for(v));
    return summarize(name, latencies, writes);
  } finally {
    stop();
  }
}

/** The writer here, the listener in a child process on the same store (`location`: an LMDB path or `[url, schema]`). */
export async function acrossProcesses(name: string, engine: 'lmdb' | 'postgres', location: string, db: TemporalDb, samples: number, note?: string): Promise<LatencyFigures> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./sync-live-child.ts', import.meta.url)), engine, location, IDENTIFIER], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const w = waiter();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'ready') return resolve();
        const { version, latencyMs } = JSON.parse(line) as { version: number; latencyMs: number };
        w.heard(version, latencyMs);
      });
      child.once('exit', (code) => reject(new Error(`the listening process exited (code ${code})`)));
    });
    const { latencies, writes } = await writeLoop(samples, writeOn(db), (v) => w.for(v));
    return summarize(name, latencies, writes, note);
  } finally {
    child.stdin!.end();
    await exited;
  }
}

/** Two pages of one headless Chromium on one IndexedDB database (BroadcastChannel), and one page alone for reference. */
export async function acrossTabs(samples: number, log: (line: string) => void): Promise<{ figures: LatencyFigures[]; chromium: string }> {
  const { chromium } = await import('playwright');
  const { chromiumLaunchOptions } = await import('../scripts/chromium-launch.js');
  const { servePage } = await import('./page-server.js');
  const served = await servePage(fileURLToPath(new URL('./sync-live-page.ts', import.meta.url)), 'temporal-db live');
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const context = await browser.newContext();
    const w = waiter();
    await context.exposeFunction('liveReport', (version: number, latency: number) => w.heard(version, latency));
    const open = async (name: string) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => log(`page error: ${error.message}`));
      await page.goto(served.url);
      await page.waitForFunction(() => typeof window.liveWrite === 'function');
      await page.evaluate((n) => window.liveOpen(n), name);
      return page;
    };
    const run = async (label: string, name: string, two: boolean) => {
      const listener = await open(name);
      const writer = two ? await open(name) : listener;
      await listener.evaluate((id) => window.liveWatch(id), IDENTIFIER);
      const { latencies, writes } = await writeLoop(
        samples,
        () => writer.evaluate((id) => window.liveWrite(id), IDENTIFIER),
        (v) => w.for(v),
      );
      await listener.close();
      if (two) await writer.close();
      return summarize(label, latencies, writes);
    };
    // Fresh databases, so the version numbers the waiter keys on start at 1 each time.
    const figures = [await run('same tab (IndexedDB)', 'live-same', false), await run('across tabs (IndexedDB, BroadcastChannel)', 'live-tabs', true)];
    return { figures, chromium: browser.version() };
  } finally {
    await browser.close();
    served.close();
  }
}

export interface LiveOptions {
  samples: number;
  /** A PostgreSQL server to measure on, or undefined to leave it out. */
  postgres?: string;
  /** Also measure across tabs in Chromium. */
  tabs: boolean;
  log: (line: string) => void;
}

/** Every case; each writes to a fresh store. */
export async function measureLive(options: LiveOptions): Promise<{ figures: LatencyFigures[]; chromium?: string; skipped: string[] }> {
  const { samples, log } = options;
  const figures: LatencyFigures[] = [];
  const skipped: string[] = [];
  const record = (f: LatencyFigures) => {
    figures.push(f);
    log(`  ${f.case}: p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms (${f.samples} writes; a write takes ${f.writeP50Ms.toFixed(1)} ms)`);
  };
  const { openTemporalDb: openMemory } = await import('../src/memory.js');
  const { openTemporalDb: openLmdb } = await import('../src/lmdb.js');
  const memory = await openMemory();
  record(await sameProcess('same process (memory)', memory, samples));
  await memory.close();

  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  try {
    const same = await openLmdb({ path: join(dir, 'same') });
    record(await sameProcess('same process (LMDB)', same, samples));
    await same.close();
    const path = join(dir, 'shared');
    const writer = await openLmdb({ path });
    record(await acrossProcesses('across processes (LMDB)', 'lmdb', path, writer, samples, 'the listener polls the last commit every 50 ms'));
    await writer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (options.postgres) {
    const { openTemporalDb: openPg } = await import('../src/postgres.js');
    const { benchSchema, dropBenchSchema } = await import('./engines/raw-pg.js');
    const schema = benchSchema('live');
    try {
      const writer = await openPg({ connectionString: options.postgres, schema });
      try {
        record(await sameProcess('same process (PostgreSQL)', writer, samples));
        record(await acrossProcesses('across processes (PostgreSQL, LISTEN/NOTIFY)', 'postgres', JSON.stringify([options.postgres, schema]), writer, samples));
      } finally {
        await writer.close();
      }
    } finally {
      await dropBenchSchema(options.postgres, schema);
    }
  } else skipped.push('PostgreSQL (no server reachable)');

  let chromium: string | undefined;
  if (options.tabs) {
    const tabs = await acrossTabs(samples, log);
    chromium = tabs.chromium;
    tabs.figures.forEach(record);
  } else skipped.push('Chromium tabs');
  return { figures, chromium, skipped };
}
