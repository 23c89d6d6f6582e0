// `npm run bench`: the library on LMDB against raw lmdb and better-sqlite3, in one run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTemporalDb } from '../src/lmdb.js';
import { parseBenchArgs } from './cli-options.js';
import { libraryEngine } from './engines/library.js';
import { rawLmdbEngine } from './engines/raw-lmdb.js';
import { sqliteEngine } from './engines/sqlite.js';
import { formatTable, runBenchmark } from './harness.js';
import { measureScaling } from './scaling.js';
import { makeWorkload } from './workload.js';

const options = parseBenchArgs(process.argv.slice(2));
const log = (line: string) => process.stderr.write(line + '\n');
const started = Date.now();
const workload = makeWorkload(options.size);
log(
  `workload: ${workload.versions.length.toLocaleString('en-US')} versions of ${options.size.identifiers} specifications, ` +
    `${workload.decisions.length.toLocaleString('en-US')} decisions, ${workload.patterns.length.toLocaleString('en-US')} patterns; ` +
    `${options.repetitions} repetitions`,
);

const library = libraryEngine('temporal-db', 'LMDB sync commit (durable)', () => {
  const path = mkdtempSync(join(tmpdir(), 'bench-temporal-db-'));
  return {
    open: (clock) => openTemporalDb({ path, clock }),
    destroy: async () => rmSync(path, { recursive: true, force: true }),
  };
});
const engines = [library, rawLmdbEngine(), sqliteEngine()];
// Exports are measured for memory: run with --expose-gc so the baseline is taken after a collection.
const results = await runBenchmark(workload, engines, { ...options, log });
const scaling = await measureScaling(options.size.decisions, log);
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
console.log(`\n${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
console.log(formatTable(results, 'temporal-db'));
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
for (const engine of engines) console.log(`- ${engine.name}: ${engine.durability}`);
if (options.json) {
  writeFileSync(
    options.json,
    JSON.stringify({ machine, size: options.size, scaling, repetitions: options.repetitions, engines: engines.map((e) => ({ name: e.name, durability: e.durability })), results }, null, 2),
  );
  log(`figures written to ${options.json}`);
}
