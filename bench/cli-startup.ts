// `npm run bench:cli`: how long the built command line takes to start, warm
// (the files in the OS cache), as the median of many runs after a warm-up.
// Needs `npm run build` first. Options: --runs N (default 21), --json FILE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTemporalDb } from '../src/lmdb.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const runs = Number(option('--runs') ?? 21);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');
const warmup = 3;

// A small store: 20 specifications of 3 versions each, and a few decisions.
const store = mkdtempSync(join(tmpdir(), 'bench-cli-'));
const db = await openTemporalDb({ path: store });
const inputs = Array.from({ length: 60 }, (_, i) => ({
  specType: 'ADR' as const,
  identifier: `ADR-${String(i % 20).padStart(3, '0')}`,
  title: `Decision ${i % 20}`,
  content: `Version ${Math.floor(i / 20) + 1} of a short record.\n`.repeat(20),
  timestamp: Date.UTC(2026, 0, 1) + i * 3_600_000,
}));
const stored = await db.storeSpecifications(inputs);
for (let i = 0; i < 5; i++) {
  await db.recordDecision({ specId: stored[i]!.specId, decisionPoint: 'storage', selectedOption: 'lmdb', context: `c${i}`, author: 'bench' });
}
await db.close();

interface Case {
  name: string;
  args: string[];
  /** The target for a warm start, in ms. */
  target?: number;
}
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'temporal-db --help', args: [cli, '--help'], target: 120 },
  { name: 'temporal-db --version', args: [cli, '--version'], target: 120 },
  { name: 'temporal-db show ADR-007', args: [cli, 'show', 'ADR-007', '--db', store], target: 150 },
  { name: 'temporal-db list', args: [cli, 'list', '--db', store] },
  { name: 'temporal-db status', args: [cli, 'status', '--db', store] },
  // Where `show` spends its time: lmdb-js alone, then the chunk that opens a store (zod and the core; lmdb loads at open).
  { name: "import('lmdb'), its ES modules", args: ['--input-type=module', '-e', "await import('lmdb')"] },
  // What the command line loads: lmdb's one-file CommonJS build.
  { name: "require('lmdb')", args: ['-e', "require('lmdb')"] },
  { name: 'import the store chunk', args: [join(root, 'dist/cli', readdirSync(join(root, 'dist/cli')).find((f) => f.startsWith('open-'))!)] },
];

function time(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// Round-robin over the cases, so a machine that gets busier mid-run slows every case alike.
for (let i = 0; i < warmup; i++) for (const c of cases) time(c.args);
const samples = new Map(cases.map((c) => [c, [] as number[]]));
for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c)!.push(time(c.args));
const baseline = median(samples.get(cases[0]!)!);
const results = cases.map((c) => {
  const medianMs = median(samples.get(c)!);
  return { name: c.name, medianMs, minMs: Math.min(...samples.get(c)!), overNodeMs: medianMs - baseline, ...(c.target ? { targetMs: c.target } : {}) };
});
rmSync(store, { recursive: true, force: true });

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
console.log(`CLI start-up, warm: median of ${runs} runs after ${warmup} warm-up runs; ${machine}\n`);
console.log('| command | median | fastest | over `node -e 0` | target |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results) {
  const verdict = r.targetMs === undefined ? '' : `${r.targetMs} ms${r.medianMs <= r.targetMs ? '' : ' (missed)'}`;
  const over = r.name === cases[0]!.name ? '' : `+${r.overNodeMs.toFixed(0)} ms`;
  console.log(`| \`${r.name}\` | ${r.medianMs.toFixed(0)} ms | ${r.minMs.toFixed(0)} ms | ${over} | ${verdict} |`);
}
const file = option('--json');
if (file) writeFileSync(file, JSON.stringify({ machine, runs, warmup, results }, null, 2));
