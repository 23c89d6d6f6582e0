// Builds the app with Vite's API and serves the build on 127.0.0.1: what `npm run example:web` runs once the library is
// built. PORT picks the port (default 4790; 0: a free one); OUT_DIR where the build goes (default ./dist here).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = process.env.OUT_DIR || join(here, 'dist');
const port = Number(process.env.PORT ?? 4790);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

await build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });

const server = createServer((request, response) => {
  let path;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
    return;
  }
  const file = normalize(join(outDir, path.endsWith('/') ? `${path}index.html` : path));
  // Nothing outside the build is served.
  let found = file.startsWith(outDir.endsWith(sep) ? outDir : outDir + sep) && (request.method === 'GET' || request.method === 'HEAD');
  try {
    found &&= statSync(file).isFile();
  } catch {
    found = false;
  }
  if (!found) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    // Hashed assets never change; the page and the worker are checked on every load, so a new build is seen.
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
});

server.on('error', (error) => {
  process.stderr.write(`web-app: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  process.stdout.write(`web-app http://127.0.0.1:${actual}/\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
