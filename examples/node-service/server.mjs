// A Node service holding an LMDB store, served two ways from one process:
//   1. the service on its own port (`listen`), as `temporal-db serve` does;
//   2. the same handler mounted under /db in the application's own node:http
//      server, next to a route of the application (GET /adrs).
// Start it with `npm run example:service` (see README.md beside this file).
import { createServer } from 'node:http';
import { openTemporalDb } from 'temporal-db';
import { createTemporalDbServer } from 'temporal-db/server';

const path = process.env.TEMPORAL_DB_PATH || './temporal-db-data';
const port = Number(process.env.PORT ?? 4780);
const appPort = Number(process.env.APP_PORT ?? 4781);
// Without a token both listen on loopback only; with one, every request of the service needs it.
const token = process.env.TEMPORAL_DB_TOKEN || undefined;
// Browser origins allowed to call it cross-origin (the web app's sync, say), comma-separated.
const corsOrigins = (process.env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);

const db = await openTemporalDb({ path });
let service;
let mounted;
let app;

try {
  // 1. Standalone: the handler listens on a port of its own.
  service = createTemporalDbServer(db, { token, corsOrigins });
  const { url } = await service.listen({ host: '127.0.0.1', port });

  // 2. Mounted: /db/v1/... goes to the handler; any other path is passed on (`next`) to the application.
  mounted = createTemporalDbServer(db, { token, corsOrigins, basePath: '/db' });
  app = createServer((req, res) => mounted(req, res, () => appRoutes(req, res)));
  await new Promise((resolve, reject) => {
    app.once('error', reject);
    app.listen(appPort, '127.0.0.1', resolve);
  });
  const appUrl = `http://127.0.0.1:${app.address().port}`;

  console.log(`service  ${url}`);
  console.log(`app      ${appUrl}  (GET /adrs; the service under ${appUrl}/db)`);
} catch (error) {
  // One line (a port in use, a token too short, ...) rather than a stack trace; the store is closed again.
  console.error(`node-service: ${error.message}${error.code ? ` [${error.code}]` : ''}`);
  await service?.close();
  await db.close();
  process.exit(1);
}

async function appRoutes(req, res) {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  try {
    if (req.method === 'GET' && req.url === '/adrs') {
      // The application reads the store in process, without going through HTTP.
      const adrs = await db.listSpecifications({ specType: 'ADR' });
      return reply(200, adrs.map(({ identifier, version, status, title }) => ({ identifier, version, status, title })));
    }
    reply(404, { error: { code: 'NOT_FOUND', message: 'The application has GET /adrs; the store is under /db/v1' } });
  } catch {
    reply(500, { error: { code: 'INTERNAL', message: 'The application failed' } });
  }
}

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1); // a second signal: acknowledged writes are already durable
  stopping = true;
  // Stop accepting, let the requests in flight finish, then close the store.
  const appClosed = new Promise((resolve) => app.close(resolve));
  await Promise.all([service.close(), mounted.close()]);
  app.closeAllConnections();
  await appClosed;
  await db.close();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
