// `npm run bench:postgres`: the library on PostgreSQL against raw pg on the
// same table layout, then 1, 2, 4 and 8 service instances on one database. The
// server: TEMPORAL_DB_BENCH_PG, else TEMPORAL_DB_TEST_PG, else the local
// server's unix socket and the database temporal_db_test (what the tests use).
import { cpus, loadavg, totalmem, userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openTemporalDb } from '../src/postgres.js';
import { parseBenchArgs } from './cli-options.js';
import { libraryEngine } from './engines/library.js';
import { PG_DURABILITY, benchSchema, dropBenchSchema, rawPgEngine, schemaBytes } from './engines/raw-pg.js';
import { formatTable, formatValue, runBenchmark, type BenchEngine } from './harness.js';
import { measureInstances } from './pg-instances.js';
import { DEFAULT_SIZE, makeWorkload, type WorkloadSize } from './workload.js';

const LIBRARY = 'temporal-db';
const log = (line: string) => process.stderr.write(line + '\n');

export const PG_URL =
  process.env.TEMPORAL_DB_BENCH_PG ?? process.env.TEMPORAL_DB_TEST_PG ?? `postgres://${userInfo().username}@/temporal_db_test?host=/var/run/postgresql`;

// Every read is a round trip to the server, so the quick size reads less than the Node benchmark's.
export const PG_QUICK_SIZE: WorkloadSize = { identifiers: 200, versions: 25, decisions: 20_000, patterns: 2_000, reads: 2_000, seed: 1 };

/** The library on PostgreSQL, each store a fresh schema, dropped after. */
export function libraryOnPostgres(connectionString: string): BenchEngine {
  let schema = '';
  let sizer: pg.Pool | undefined;
  const engine = libraryEngine(LIBRARY, PG_DURABILITY, () => {
    schema = benchSchema('lib');
    return {
      open: (clock) => openTemporalDb({ connectionString, schema, clock }),
      destroy: () => dropBenchSchema(connectionString, schema),
    };
  });
  return {
    ...engine,
    async diskBytes() {
      sizer ??= new pg.Pool({ connectionString, max: 1 });
      return schemaBytes(sizer, schema);
    },
    async destroy() {
      await engine.destroy();
      await sizer?.end();
      sizer = undefined;
    },
  };
}

/** `--writes-per-instance N` (this benchmark's own flag) out of argv; the rest are the shared bench flags. */
function ownFlags(argv: string[]): { rest: string[]; writesPerInstance?: number } {
  const at = argv.indexOf('--writes-per-instance');
  if (at === -1) return { rest: argv };
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--writes-per-instance takes a positive whole number');
  return { rest: [...argv.slice(0, at), ...argv.slice(at + 2)], writesPerInstance: n };
}

async function main() {
  const { rest, writesPerInstance } = ownFlags(process.argv.slice(2));
  const options = parseBenchArgs(rest, PG_QUICK_SIZE, DEFAULT_SIZE);
  if (options.historyScale > 1) throw new Error('bench:postgres has no --history-scale (npm run bench has)');
  const quick = rest.includes('--quick');
  const started = Date.now();
  const loadBefore = loadavg();
  const server = new pg.Client({ connectionString: PG_URL });
  await server.connect();
  const version = (await server.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const commit = (await server.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
  await server.end();
  const size = options.size;
  log(
    `PostgreSQL ${version} (synchronous_commit ${commit}): ${(size.identifiers * size.versions).toLocaleString('en-US')} versions of ${size.identifiers} specifications, ` +
      `${size.decisions.toLocaleString('en-US')} decisions, ${size.patterns.toLocaleString('en-US')} patterns; ${options.repetitions} repetitions`,
  );
  const results = await runBenchmark(makeWorkload(size), [libraryOnPostgres(PG_URL), rawPgEngine(PG_URL)], { ...options, log });
  log('service instances on one database, 4 single stores in flight each');
  const instances = await measureInstances(PG_URL, {
    counts: [1, 2, 4, 8],
    writesPerInstance: writesPerInstance ?? (quick ? 100 : 400),
    inFlight: 4,
    log,
  });
  const loadAfter = loadavg();

  const machine =
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${version} on the same machine; ` +
    `load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after`;
  console.log(`\n${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(
    `\n${size.identifiers} specifications x ${size.versions} versions, ${size.decisions.toLocaleString('en-US')} decisions, ${size.patterns.toLocaleString('en-US')} patterns\n`,
  );
  console.log(formatTable(results, LIBRARY));
  console.log('\n| service instances | identifiers | versions | versions/s | p50 ms | p99 ms |\n|---:|---|---:|---:|---:|---:|');
  for (const f of instances) {
    console.log(`| ${f.instances} | ${f.mode} | ${f.versions} | ${formatValue(f.versionsPerSecond)} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} |`);
  }
  console.log(`\nDurability: ${PG_DURABILITY}`);
  if (options.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(options.json, JSON.stringify({ machine, size, repetitions: options.repetitions, results, instances }, null, 2));
    log(`figures written to ${options.json}`);
  }
}

// Run as `tsx bench/postgres.ts`; imported (by the test) it only defines.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
