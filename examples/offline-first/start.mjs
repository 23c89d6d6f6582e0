// The offline-first example in one process: builds the page with Vite's API, opens an LMDB store (the service's),
// seeds it with ADR-001 on the first run, and serves on 127.0.0.1 both the page and, under /db, the service: the
// handler examples/node-service serves (`createTemporalDbServer` from temporal-db/server), here mounted on the page's
// own origin, so the browser needs no CORS. Each browser client keeps its own IndexedDB store and syncs with it.
// PORT (default 4800; 0: a free one), TEMPORAL_DB_PATH (default ./offline-first-data), OUT_DIR (default ./dist here).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTemporalDb } from 'temporal-db';
import { createTemporalDbServer } from 'temporal-db/server';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(process.env.OUT_DIR || join(here, 'dist'));
const port = Number(process.env.PORT ?? 4800);
const path = process.env.TEMPORAL_DB_PATH || './offline-first-data';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

await build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });

const db = await openTemporalDb({ path });
// Seeded on the service, not in the browsers: clients that each seeded would hold concurrent copies of one ADR.
if (!(await db.getSpecification('ADR-001'))) {
  const adr = { specType: 'ADR', identifier: 'ADR-001', title: 'Keep working offline', author: 'service' };
  await db.storeSpecifications([
    { ...adr, content: 'Each browser keeps its own store in IndexedDB.', timestamp: Date.now() - 2 * 86_400_000 },
    { ...adr, status: 'accepted', content: 'Each browser keeps its own store in IndexedDB and syncs with the service.', timestamp: Date.now() - 86_400_000 },
  ]);
}
const service = createTemporalDbServer(db, { basePath: '/db' });

function serveFile(request, response) {
  let file;
  try {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    file = normalize(join(outDir, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
  } catch {
    return response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
  }
  // Nothing outside the build is served.
  let found = file.startsWith(outDir + sep) && (request.method === 'GET' || request.method === 'HEAD');
  try {
    found &&= statSync(file).isFile();
  } catch {
    found = false;
  }
  if (!found) return response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

// /db/v1/... goes to the service; any other path is passed on (`next`) to the page's files.
const server = createServer((request, response) => service(request, response, () => serveFile(request, response)));
server.on('error', async (error) => {
  process.stderr.write(`offline-first: ${error.message}\n`);
  await db.close();
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  process.stdout.write(`offline-first ${url}\nopen ${url}?client=A and ${url}?client=B\n`);
});

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  // Stop accepting, let the requests in flight finish (the event streams are ended by close()), then close the store.
  const closed = new Promise((done) => server.close(done));
  await service.close();
  server.closeAllConnections();
  await closed;
  await db.close();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
