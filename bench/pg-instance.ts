// One service instance of the PostgreSQL scaling run (bench/pg-instances.ts
// starts them): opens the store with its own pool, says `ready`, waits for
// `go` on stdin, then keeps `inFlight` single stores going until it has
// stored `writes` versions, and prints what each took.
import { openTemporalDb } from '../src/postgres.js';

const [url, schema, instance, mode, writes, inFlight] = process.argv.slice(2) as [string, string, string, 'distinct' | 'shared', string, string];
const db = await openTemporalDb({ connectionString: url, schema });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

const latencies: number[] = [];
let next = 0;
const total = Number(writes);
const started = performance.timeOrigin + performance.now();
await Promise.all(
  Array.from({ length: Number(inFlight) }, async (_, writer) => {
    // Distinct: each writer of each instance has its own identifier; shared: writer w of every instance writes the same one.
    const identifier = mode === 'distinct' ? `ADR-${instance}-${writer}` : `ADR-SHARED-${writer}`;
    while (next < total) {
      const n = next++;
      const t = performance.now();
      await db.storeSpecification({ specType: 'ADR', identifier, title: 'scaling', content: `instance ${instance} write ${n}` });
      latencies.push(performance.now() - t);
    }
  }),
);
const ended = performance.timeOrigin + performance.now();
await db.close();
process.stdout.write(JSON.stringify({ started, ended, latencies }) + '\n');
