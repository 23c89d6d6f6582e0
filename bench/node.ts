// `npm run bench`: the library on LMDB against raw lmdb and better-sqlite3, in one run.
// Each engine runs in its own child process, so that its peak RSS is its own.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTemporalDb } from '../src/lmdb.js';
import { parseBenchArgs, type BenchOptions } from './cli-options.js';
import { libraryEngine } from './engines/library.js';
import { lmdbDiskBytes, lmdbFootprint, type LmdbFootprint } from './engines/lmdb-footprint.js';
import { LMDB_DURABILITY, rawLmdbEngine } from './engines/raw-lmdb.js';
import { sqliteEngine } from './engines/sqlite.js';
import { formatTable, runBenchmark, type BenchEngine, type Measurement } from './harness.js';
import { measureScaling } from './scaling.js';
import { makeWorkload, scaleHistory, type Workload } from './workload.js';

const ENGINES = ['temporal-db', 'raw lmdb', 'better-sqlite3'] as const;
const LIBRARY = 'temporal-db';
const log = (line: string) => process.stderr.write(line + '\n');
const MiB = 2 ** 20;

interface ChildReport {
  engine: string;
  durability: string;
  results: Measurement[];
  /** Where the LMDB store's entries and bytes come from, per version and per decision (LMDB engines). */
  amplification?: Amplification;
}

interface Amplification {
  versions: number;
  decisions: number;
  afterVersions: LmdbFootprint;
  afterDecisions: LmdbFootprint;
}

function libraryWithPath() {
  let path = '';
  const engine = libraryEngine(LIBRARY, LMDB_DURABILITY, () => {
    path = mkdtempSync(join(tmpdir(), 'bench-temporal-db-'));
    return {
      open: (clock) => openTemporalDb({ path, clock }),
      destroy: async () => rmSync(path, { recursive: true, force: true }),
    };
  });
  // lmdb-js fsyncs after the commit resolves: the size is read once it has.
  const withDisk: BenchEngine & { path(): string } = { ...engine, diskBytes: async () => lmdbDiskBytes(path), path: () => path };
  return withDisk;
}

function makeEngine(name: string): BenchEngine & { path?(): string } {
  if (name === LIBRARY) return libraryWithPath();
  if (name === 'raw lmdb') return rawLmdbEngine();
  if (name === 'better-sqlite3') return sqliteEngine();
  throw new Error(`no engine ${name}`);
}

/** Entries and bytes an LMDB engine writes: counted after the versions, then after the decisions. */
async function measureAmplification(engine: BenchEngine & { path(): string }, workload: Workload, batchSize: number): Promise<Amplification> {
  await engine.create();
  for (let i = 0; i < workload.versions.length; i += batchSize) await engine.ingestSpecs(workload.versions.slice(i, i + batchSize));
  await engine.close();
  const afterVersions = await lmdbFootprint(engine.path());
  await engine.reopen();
  for (let i = 0; i < workload.decisions.length; i += batchSize) await engine.ingestDecisions(workload.decisions.slice(i, i + batchSize));
  await engine.close();
  const afterDecisions = await lmdbFootprint(engine.path());
  await engine.destroy();
  return { versions: workload.versions.length, decisions: workload.decisions.length, afterVersions, afterDecisions };
}

async function runChild(options: BenchOptions, child: NonNullable<BenchOptions['child']>) {
  const workload = makeWorkload(child.scale > 1 ? scaleHistory(options.size, child.scale) : options.size);
  const engine = makeEngine(child.engine);
  let base = 0;
  const results = await runBenchmark(workload, [engine], {
    ...options,
    // At a scaled history one fresh ingest per engine is enough: it is N times longer.
    ingestRepetitions: child.scale > 1 ? 1 : options.repetitions,
    log,
    onReady: () => {
      globalThis.gc?.();
      base = process.memoryUsage().rss;
    },
  });
  // maxRSS is the process's high-water mark, in KiB: the engine's, since this process runs no other.
  const peak = process.resourceUsage().maxRSS * 1024;
  const rss = (workloadName: string, bytes: number) => ({ workload: workloadName, engine: engine.name, unit: 'MiB', value: bytes / MiB, runs: [bytes / MiB] });
  results.push(rss('peak RSS', peak), rss('peak RSS above the workload', peak - base));
  log(`  peak RSS ${(peak / MiB).toFixed(0)} MiB, ${((peak - base) / MiB).toFixed(0)} MiB above the workload and oracle (${(base / MiB).toFixed(0)} MiB)`);
  const report: ChildReport = { engine: engine.name, durability: engine.durability, results };
  const { path } = engine;
  // Counted at the base size only: entries per version do not depend on the history's length.
  if (path && child.scale === 1) report.amplification = await measureAmplification({ ...engine, path }, workload, options.batchSize);
  writeFileSync(child.result, JSON.stringify(report));
}

function runInChild(engine: string, scale: number, argv: string[]): Promise<ChildReport> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-child-'));
  const result = join(dir, 'result.json');
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), [...argv, '--child', engine, String(scale), result], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`${engine} at history x${scale} failed (exit code ${code})`);
        resolve(JSON.parse(readFileSync(result, 'utf8')) as ChildReport);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const perItem = (a: Amplification, kind: 'versions' | 'decisions') => {
  const before = kind === 'versions' ? { entries: 0, bytes: 0 } : a.afterVersions;
  const after = kind === 'versions' ? a.afterVersions : a.afterDecisions;
  const n = kind === 'versions' ? a.versions : a.decisions;
  return { entries: (after.entries - before.entries) / n, bytes: (after.bytes - before.bytes) / n };
};

async function main() {
  const argv = process.argv.slice(2);
  const options = parseBenchArgs(argv);
  if (options.child) return runChild(options, options.child);

  const started = Date.now();
  const loadBefore = loadavg();
  const scales = options.historyScale > 1 ? [1, options.historyScale] : [1];
  const reports = new Map<number, ChildReport[]>();
  for (const scale of scales) {
    const size = scale > 1 ? scaleHistory(options.size, scale) : options.size;
    log(
      `history x${scale}: ${(size.identifiers * size.versions).toLocaleString('en-US')} versions of ${size.identifiers} specifications, ` +
        `${size.decisions.toLocaleString('en-US')} decisions, ${size.patterns.toLocaleString('en-US')} patterns over ${size.years ?? 1} year(s); ` +
        `${options.repetitions} repetitions`,
    );
    const list: ChildReport[] = [];
    for (const engine of ENGINES) list.push(await runInChild(engine, scale, argv));
    reports.set(scale, list);
  }
  const scaling = await measureScaling(options.size.decisions, log);
  const loadAfter = loadavg();

  const machine =
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after`;
  console.log(`\n${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const [scale, list] of reports) {
    const size = scale > 1 ? scaleHistory(options.size, scale) : options.size;
    console.log(
      `\nHistory x${scale}: ${size.identifiers} specifications x ${size.versions} versions, ${size.decisions.toLocaleString('en-US')} decisions, ` +
        `${size.patterns.toLocaleString('en-US')} patterns over ${size.years ?? 1} year(s)\n`,
    );
    console.log(formatTable(list.flatMap((r) => r.results), LIBRARY));
    for (const r of list) {
      if (!r.amplification) continue;
      const v = perItem(r.amplification, 'versions');
      const d = perItem(r.amplification, 'decisions');
      console.log(
        `- ${r.engine} writes ${v.entries.toFixed(1)} entries and ${Math.round(v.bytes)} bytes (keys + values) per stored version, ` +
          `${d.entries.toFixed(1)} entries and ${Math.round(d.bytes)} bytes per decision`,
      );
      const a = r.amplification;
      const tables = Object.keys(a.afterDecisions.tables).sort();
      const share = (t: string) => {
        const v1 = a.afterVersions.tables[t] ?? { entries: 0, bytes: 0 };
        const v2 = a.afterDecisions.tables[t]!;
        const perV = v1.bytes / a.versions;
        const perD = (v2.bytes - v1.bytes) / a.decisions;
        const parts = [];
        if (v1.entries > 0) parts.push(`${(v1.entries / a.versions).toFixed(2)} entries ${Math.round(perV)} B per version`);
        if (v2.entries > v1.entries) parts.push(`${((v2.entries - v1.entries) / a.decisions).toFixed(2)} entries ${Math.round(perD)} B per decision`);
        return `${t} ${parts.join(', ') || '-'} (${v2.pages} pages)`;
      };
      const f = a.afterDecisions;
      console.log(`  by sub-database: ${tables.map(share).join('; ')}`);
      console.log(
        `  after versions and decisions: ${((f.bytes / f.pageSize / f.pages) * 100).toFixed(0)}% of the B-tree pages' bytes hold keys and values; ` +
          `the data file holds ${f.filePages} pages of ${f.pageSize} B, ${f.pages} of them in use`,
      );
    }
  }
  if (scales.length > 1) {
    const at = (scale: number, engine: string, workload: string) =>
      reports.get(scale)!.find((r) => r.engine === engine)!.results.find((m) => m.workload === workload)?.value ?? NaN;
    const big = scales[1]!;
    console.log(`\nAt x${big} history, as a share of the x1 figure (1.00 = flat):`);
    for (const workload of ['latest version', 'version as of', 'changes, 7-day window', 'analyzeDecisionPatterns(30)', 'similar patterns']) {
      console.log(`- ${workload}: ${ENGINES.map((e) => `${e} ${(at(big, e, workload) / at(1, e, workload)).toFixed(2)}`).join(', ')}`);
    }
  }
  console.log(
    `\nanalyzeDecisionPatterns(30), ${scaling.decisionsPerYear.toLocaleString('en-US')} decisions a year: ` +
      `${scaling.oneYear.toFixed(0)}/s over 1 year of history, ${scaling.tenYears.toFixed(0)}/s over 10 years ` +
      `(${(scaling.tenYears / scaling.oneYear).toFixed(2)}x)`,
  );
  const exportLine = (label: string, e: { lines: number; linesPerSecond: number; peakMemoryMiB: number }) =>
    `${label}: ${e.lines.toLocaleString('en-US')} lines at ${Math.round(e.linesPerSecond).toLocaleString('en-US')} lines/s, ` +
    `peak live memory ${e.peakMemoryMiB.toFixed(1)} MiB above the start`;
  const five = scaling.fiveYears;
  console.log(
    `${five.decisions.toLocaleString('en-US')} decisions over ${five.years} years: analyzeDecisionPatterns(30) ${five.analysis.toFixed(1)}/s, ` +
      `generateRecommendations(30 days, dry run) ${five.recommendations.toFixed(1)}/s, a full-scan analysis ${five.fullScan.toFixed(2)}/s ` +
      `(the window is ${(five.analysis / five.fullScan).toFixed(0)}x faster)`,
  );
  console.log(`Streaming export, ${exportLine('1 year', scaling.exportOneYear)}; ${exportLine('10 years', scaling.exportTenYears)}`);
  console.log('\nDurability:');
  for (const r of reports.get(1)!) console.log(`- ${r.engine}: ${r.durability}`);
  if (options.json) {
    writeFileSync(
      options.json,
      JSON.stringify({ machine, size: options.size, repetitions: options.repetitions, scaling, reports: Object.fromEntries(reports) }, null, 2),
    );
    log(`figures written to ${options.json}`);
  }
}

await main();
