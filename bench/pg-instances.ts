// 1, 2, 4 and 8 service instances on one PostgreSQL store: each a child
// process with its own pool, all started at once, storing versions on
// identifiers of their own (distinct), on the same ones (shared), or each in
// a store (a schema) of its own (separate stores). Reports
// versions/s over the wall time and the p99 latency of one store, and checks
// that every identifier holds versions 1..n.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openTemporalDb } from '../src/postgres.js';
import { benchSchema, dropBenchSchema } from './engines/raw-pg.js';

export type InstanceMode = 'distinct' | 'shared' | 'separate stores';

export interface InstanceFigures {
  instances: number;
  mode: InstanceMode;
  versions: number;
  versionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const worker = fileURLToPath(new URL('./pg-instance.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

interface Child {
  ready: Promise<void>;
  done: Promise<{ started: number; ended: number; latencies: number[] }>;
  go(): void;
}

function startInstance(args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<{ started: number; ended: number; latencies: number[] }>((resolve, reject) => {
    let result: string | undefined;
    lines.on('line', (line) => (line === 'ready' ? onReady() : (result = line)));
    proc.on('exit', (code) => (code === 0 && result ? resolve(JSON.parse(result)) : reject(new Error(`a service instance failed (exit code ${code})`))));
  });
  return { ready, done, go: () => proc.stdin.end('go\n') };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

export async function measureInstances(
  connectionString: string,
  options: { counts: number[]; writesPerInstance: number; inFlight: number; log: (line: string) => void },
): Promise<InstanceFigures[]> {
  const figures: InstanceFigures[] = [];
  for (const mode of ['distinct', 'shared', 'separate stores'] as const) {
    for (const instances of options.counts) {
      const first = benchSchema('instances');
      const schemaOf = (i: number) => (mode === 'separate stores' ? `${first}_${i}` : first);
      const schemas = [...new Set(Array.from({ length: instances }, (_, i) => schemaOf(i)))];
      // Created before the instances open them, so the figures hold no table creation.
      for (const schema of schemas) await (await openTemporalDb({ connectionString, schema })).close();
      try {
        const children = Array.from({ length: instances }, (_, i) =>
          startInstance([connectionString, schemaOf(i), String(i), mode === 'shared' ? 'shared' : 'distinct', String(options.writesPerInstance), String(options.inFlight)]),
        );
        await Promise.all(children.map((c) => c.ready));
        for (const c of children) c.go();
        const results = await Promise.all(children.map((c) => c.done));
        const started = Math.min(...results.map((r) => r.started));
        const ended = Math.max(...results.map((r) => r.ended));
        const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
        let stored = 0;
        for (const schema of schemas) {
          const db = await openTemporalDb({ connectionString, schema });
          try {
            stored += (await db.statistics()).versions;
            const writers = Array.from({ length: options.inFlight }, (_, w) => w);
            const identifiers =
              mode === 'shared'
                ? writers.map((w) => `ADR-SHARED-${w}`)
                : results.flatMap((_, i) => (schemaOf(i) === schema ? writers.map((w) => `ADR-${i}-${w}`) : []));
            for (const identifier of identifiers) {
              const versions = (await db.getSpecificationHistory(identifier)).map((v) => v.version);
              if (versions.some((v, i) => v !== i + 1)) throw new Error(`${identifier}: versions ${versions.join(',')} are not 1..${versions.length}`);
            }
          } finally {
            await db.close();
          }
        }
        if (stored !== latencies.length) throw new Error(`${instances} instances (${mode}): ${latencies.length} stores resolved, ${stored} versions stored`);
        const figure: InstanceFigures = {
          instances,
          mode,
          versions: latencies.length,
          versionsPerSecond: latencies.length / ((ended - started) / 1000),
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
        };
        figures.push(figure);
        options.log(
          `  ${instances} instance(s), ${mode} identifiers: ${Math.round(figure.versionsPerSecond).toLocaleString('en-US')} versions/s, ` +
            `p50 ${figure.p50Ms.toFixed(1)} ms, p99 ${figure.p99Ms.toFixed(1)} ms`,
        );
      } finally {
        for (const schema of schemas) await dropBenchSchema(connectionString, schema);
      }
    }
  }
  return figures;
}
