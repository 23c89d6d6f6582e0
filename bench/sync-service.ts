// The service of `npm run bench:sync`, in a process of its own so that its
// event loop is not shared with the clients': an LMDB store behind
// createTemporalDbServer on 127.0.0.1. Prints its URL, stops on SIGTERM.
import { openTemporalDb } from '../src/lmdb.js';
import { createTemporalDbServer } from '../src/server.js';

const [path] = process.argv.slice(2) as [string];
const db = await openTemporalDb({ path });
// The whole-file baseline posts each client's export to /v1/import.
const server = createTemporalDbServer(db, { maxImportBytes: 2 ** 32 });
const { url } = await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
process.once('SIGTERM', async () => {
  await server.close();
  await db.close();
  process.exit(0);
});
