// Runs the workloads through every engine, checks every answer against the
// oracle, and reports medians. Runs unchanged in Node and in the browser.
import { DAY, makeQueries, oracle, YEAR_START, type DecisionEvent, type PatternSeed, type SpecVersion, type Workload } from './workload.js';

/** What every engine (the library and each baseline) implements for the benchmark. */
export interface BenchEngine {
  readonly name: string;
  /** How a committed write survives: shown in the report. */
  readonly durability: string;
  /** Opens a new, empty store. */
  create(): Promise<void>;
  /** Closes and opens the same store again (a cold open). */
  reopen(): Promise<void>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  /** Bytes the store takes on disk, once what was committed is on disk. */
  diskBytes?(): Promise<number>;
  /** "Now" for the window queries (analysis, similarity). */
  setNow(now: number): void;
  ingestSpecs(batch: SpecVersion[]): Promise<void>;
  /** One version per call; called many times concurrently. */
  storeOne(version: SpecVersion): Promise<void>;
  ingestDecisions(batch: DecisionEvent[]): Promise<void>;
  ingestPatterns(batch: PatternSeed[]): Promise<void>;
  latest(identifier: string): Promise<string>;
  asOf(identifier: string, instant: number): Promise<string>;
  history(identifier: string): Promise<string>;
  changes(since: number, until: number): Promise<string>;
  analyze(days: number): Promise<string>;
  similar(context: string, threshold: number, lookbackDays: number): Promise<string>;
}

export interface Measurement {
  workload: string;
  engine: string;
  /** 'versions/s', 'reads/s', ... for rates (higher is better); 'MiB' for sizes (lower is better). */
  unit: string;
  /** The median over the repetitions. */
  value: number;
  runs: number[];
}

export interface HarnessOptions {
  repetitions: number;
  /** Repetitions of the bulk ingest (each into a fresh store); defaults to `repetitions`. */
  ingestRepetitions?: number;
  batchSize: number;
  concurrentStores: number;
  log: (line: string) => void;
  /** Called once the workload's queries and oracle are built, before the first engine opens. */
  onReady?: () => void;
}

const now = () => performance.now();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class AnswerMismatch extends Error {}

export async function runBenchmark(workload: Workload, engines: BenchEngine[], options: HarnessOptions) {
  const queries = makeQueries(workload);
  const truth = oracle(workload);
  const results: Measurement[] = [];
  const record = (workloadName: string, engine: BenchEngine, unit: string, runs: number[]) => {
    const m: Measurement = { workload: workloadName, engine: engine.name, unit, value: median(runs), runs };
    results.push(m);
    options.log(`  ${workloadName.padEnd(28)} ${engine.name.padEnd(16)} ${formatValue(m.value).padStart(12)} ${unit}`);
  };
  const check = (engine: BenchEngine, what: string, got: string, expected: string) => {
    if (got !== expected) {
      throw new AnswerMismatch(`${engine.name} answered ${what} wrongly:\n  got      ${got.slice(0, 300)}\n  expected ${expected.slice(0, 300)}`);
    }
  };
  const lastTimestamp = workload.versions.at(-1)?.timestamp ?? YEAR_START;
  options.onReady?.();

  for (const engine of engines) {
    options.log(`${engine.name} (${engine.durability})`);
    // Ingest, repeated into fresh stores; the last one stays for the reads.
    const ingestRuns: number[] = [];
    const decisionRuns: number[] = [];
    for (let rep = 0; rep < (options.ingestRepetitions ?? options.repetitions); rep++) {
      if (rep > 0) await engine.destroy();
      await engine.create();
      let t = now();
      for (const batch of chunks(workload.versions, options.batchSize)) await engine.ingestSpecs(batch);
      ingestRuns.push(workload.versions.length / ((now() - t) / 1000));
      t = now();
      for (const batch of chunks(workload.decisions, options.batchSize)) await engine.ingestDecisions(batch);
      decisionRuns.push(workload.decisions.length / ((now() - t) / 1000));
    }
    record('ingest specs (bulk)', engine, 'versions/s', ingestRuns);
    record('ingest decisions (bulk)', engine, 'decisions/s', decisionRuns);
    for (const batch of chunks(workload.patterns, options.batchSize)) await engine.ingestPatterns(batch);
    if (engine.diskBytes) record('disk after ingest', engine, 'MiB', [(await engine.diskBytes()) / 2 ** 20]);

    const timed = async (name: string, unit: string, count: number, body: () => Promise<void>) => {
      const runs: number[] = [];
      for (let rep = 0; rep < options.repetitions; rep++) {
        const t = now();
        await body();
        runs.push(count / ((now() - t) / 1000));
      }
      record(name, engine, `${unit}/s`, runs);
    };

    // Check every answer once, outside the timed loops.
    for (const id of queries.latest.slice(0, 500)) check(engine, `latest(${id})`, await engine.latest(id), truth.latest(id));
    for (const [id, t] of queries.asOf.slice(0, 500)) check(engine, `asOf(${id}, ${t})`, await engine.asOf(id, t), truth.asOf(id, t));
    for (const id of queries.history.slice(0, 50)) check(engine, `history(${id})`, await engine.history(id), truth.history(id));
    for (const [since, until] of queries.windows.slice(0, 5)) {
      check(engine, `changes(${since}..${until})`, await engine.changes(since, until), truth.changes(since, until));
    }
    for (const at of queries.analyze.slice(0, 3)) {
      engine.setNow(at);
      check(engine, `analyze(30) at ${at}`, await engine.analyze(30), truth.analysis(at, 30));
    }
    engine.setNow(lastTimestamp);
    for (const context of queries.similar.slice(0, 3)) {
      check(engine, `similar(${context})`, await engine.similar(context, 0.1, 400), truth.similar(context, 0.1, lastTimestamp - 400 * DAY));
    }

    await timed('latest version', 'reads', queries.latest.length, async () => {
      for (const id of queries.latest) await engine.latest(id);
    });
    // The library serves a latest version it read before from a cache while nothing was committed; this row
    // reads each identifier once, on a handle opened just before (not timed), so nothing of it is cached.
    const firstReads = [...new Set(queries.latest)];
    const firstRuns: number[] = [];
    for (let rep = 0; rep < options.repetitions; rep++) {
      await engine.reopen();
      const t = now();
      for (const id of firstReads) await engine.latest(id);
      firstRuns.push(firstReads.length / ((now() - t) / 1000));
    }
    record('latest version, first read of each', engine, 'reads/s', firstRuns);
    await timed('version as of', 'reads', queries.asOf.length, async () => {
      for (const [id, t] of queries.asOf) await engine.asOf(id, t);
    });
    await timed('full history', 'reads', queries.history.length, async () => {
      for (const id of queries.history) await engine.history(id);
    });
    await timed('changes, 7-day window', 'queries', queries.windows.length, async () => {
      for (const [since, until] of queries.windows) await engine.changes(since, until);
    });
    await timed('analyzeDecisionPatterns(30)', 'queries', queries.analyze.length, async () => {
      for (const at of queries.analyze) {
        engine.setNow(at);
        await engine.analyze(30);
      }
    });
    engine.setNow(lastTimestamp);
    await timed('similar patterns', 'queries', queries.similar.length, async () => {
      for (const context of queries.similar) await engine.similar(context, 0.1, 400);
    });
    await timed('cold open + 100 reads', 'opens', 1, async () => {
      await engine.reopen();
      for (const id of queries.latest.slice(0, 100)) await engine.latest(id);
    });

    // Concurrent single stores into a fresh store, after the reads.
    const singles = workload.versions.slice(0, options.concurrentStores);
    const singleRuns: number[] = [];
    for (let rep = 0; rep < options.repetitions; rep++) {
      await engine.destroy();
      await engine.create();
      const t = now();
      await Promise.all(singles.map((v) => engine.storeOne(v)));
      singleRuns.push(singles.length / ((now() - t) / 1000));
    }
    for (const id of new Set(singles.map((v) => v.identifier))) {
      const expected = singles.filter((v) => v.identifier === id);
      check(engine, `concurrent stores of ${id}`, await engine.history(id), `${expected.length}:${expected.map((v) => v.version).join(',')}`);
    }
    record('concurrent single stores', engine, 'versions/s', singleRuns);
    await engine.destroy();
  }
  return results;
}

export const formatValue = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));

/**
 * One table: a row per workload (its unit in the name), a column per engine,
 * and the library's figure divided by each baseline's: above 1 is faster for
 * rates, and more bytes for sizes.
 */
export function formatTable(results: Measurement[], library: string): string {
  const engines = [...new Set(results.map((r) => r.engine))];
  const workloads = [...new Set(results.map((r) => `${r.workload} (${r.unit})`))];
  const baselines = engines.filter((e) => e !== library);
  const header = ['workload', ...engines, ...baselines.map((b) => `vs ${b}`)];
  const rows = workloads.map((w) => {
    const of = (engine: string) => results.find((r) => `${r.workload} (${r.unit})` === w && r.engine === engine)?.value;
    const lib = of(library);
    return [
      w,
      ...engines.map((e) => {
        const v = of(e);
        return v === undefined ? '-' : formatValue(v);
      }),
      ...baselines.map((b) => {
        const v = of(b);
        return lib === undefined || v === undefined ? '-' : `${(lib / v).toFixed(2)}x`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...rows.map(line)].join('\n');
}
