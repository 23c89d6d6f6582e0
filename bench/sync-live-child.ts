// The listening process of the cross-process live-query latency
// (bench/sync-live.ts): opens the same LMDB store or PostgreSQL schema as the
// writer, watches one identifier and prints, per version it hears, how long
// after the writer's write it fired. Both sides read the time as
// performance.timeOrigin + performance.now(), which processes on one machine
// share (to about a millisecond).
import type { TemporalDb } from '../src/core/temporal-db.js';
import { watch } from '../src/live.js';

const [engine, location, identifier] = process.argv.slice(2) as ['lmdb' | 'postgres', string, string];
const clock = () => performance.timeOrigin + performance.now();
let db: TemporalDb;
if (engine === 'lmdb') {
  const { openTemporalDb } = await import('../src/lmdb.js');
  db = await openTemporalDb({ path: location });
} else {
  const { openTemporalDb } = await import('../src/postgres.js');
  const [connectionString, schema] = JSON.parse(location) as [string, string];
  db = await openTemporalDb({ connectionString, schema });
}
let ready = false;
const stop = watch(db, { latest: identifier }, (spec) => {
  const heard = clock();
  if (!ready) {
    // The first call is the current result: the watch is listening from here on.
    ready = true;
    process.stdout.write('ready\n');
    return;
  }
  if (spec) process.stdout.write(`${JSON.stringify({ version: spec.version, latencyMs: heard - Number(spec.content) })}\n`);
});
process.stdin.resume();
process.stdin.once('end', async () => {
  stop();
  await db.close();
  process.exit(0);
});
