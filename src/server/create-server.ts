import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TemporalDbError } from '../core/errors.js';
import { MAX_JSON_DEPTH } from '../core/json.js';
import type { TemporalDb } from '../core/temporal-db.js';
import { MIN_TOKEN_LENGTH, createAuthCheck, isLoopback } from './auth.js';
import { hasBody, readJson, requireMediaType, spoolBody } from './body.js';
import { createCorsCheck } from './cors.js';
import { HttpError, errorBody, toHttpError } from './http-error.js';
import { createRouter, pathSegments, type Match, type Reply, type RouteContext } from './router.js';
import { NDJSON } from './routes/store.js';
import { v1Routes } from './routes/index.js';

/** The port `listen()` and `temporal-db serve` use when none is given. */
export const DEFAULT_PORT = 4780;
/** The address `listen()` and `temporal-db serve` use when none is given: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';
/**
 * How long an idle kept-alive connection stays open. Longer than any client
 * pool keeps one (undici's fetch: the server's hint less 1 s; browsers: under
 * a minute), so it is the client that closes an idle connection, never the
 * service just as a request goes out on it; Node's 5 s default lost requests
 * under load, when a busy event loop ran the idle timer before the request.
 */
export const IDLE_CONNECTION_MS = 65_000;
/** The largest JSON body accepted by default, in bytes (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The largest NDJSON import body accepted by default, in bytes (256 MiB); it is spooled to a temporary file, not held in memory. */
export const DEFAULT_MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/**
 * How deeply a JSON body may nest by default: a field's own limit
 * (MAX_JSON_DEPTH) plus the two levels of a batch around it (`[{ "metadata": ... }]`).
 */
export const DEFAULT_MAX_DEPTH = MAX_JSON_DEPTH + 2;

export interface TemporalDbServerOptions {
  /**
   * The bearer token every request must carry (`Authorization: Bearer <token>`),
   * at least 16 characters. Required to listen on an address other than loopback.
   */
  token?: string;
  /** Browser origins allowed to call the service cross-origin (`https://app.example.com`; `*` for any). None by default. */
  corsOrigins?: readonly string[];
  /**
   * Without a token, the Host names besides loopback (`localhost`, `127.0.0.1`,
   * `[::1]`) that requests may be addressed to; `true` for any (when the
   * application that mounts the handler authenticates requests itself).
   */
  allowedHosts?: readonly string[] | true;
  /** The largest JSON body, in bytes (default 1 MiB); larger is a 413. */
  maxBodyBytes?: number;
  /** The largest import body, in bytes (default 256 MiB); larger is a 413. */
  maxImportBytes?: number;
  /** How deeply a JSON body may nest objects and arrays (default MAX_JSON_DEPTH + 2 = 66). */
  maxDepth?: number;
  /** A path prefix the routes live under (`/db` serves `/db/v1/...`); for mounting in a plain node:http server. */
  basePath?: string;
  /** Called once per request with what it was, never with content, URLs or tokens. */
  log?: (entry: RequestLogEntry) => void;
  /** How often the sync event stream sends a keep-alive comment, in ms (default 15,000), so proxies keep it open. */
  keepAliveMs?: number;
}

/** What `log` gets: the route pattern (`/v1/specifications/:identifier`), not the URL, which holds identifiers and query text. */
export interface RequestLogEntry {
  method: string;
  /** The matched route's pattern, or undefined when no route matched. */
  route: string | undefined;
  status: number;
  /** The error code of a failed request. */
  code?: string;
  durationMs: number;
}

export interface ListenOptions {
  /** Default `127.0.0.1`. Any non-loopback address needs the `token` option. */
  host?: string;
  /** Default 4780; 0 picks a free port. */
  port?: number;
}

export interface ListeningAddress {
  /** `http://127.0.0.1:4780` (with the `basePath`). */
  url: string;
  host: string;
  port: number;
}

/**
 * A request handler for node:http (`http.createServer(server)`), Express
 * (`app.use('/db', server)`: with `next`, a request no route matches is passed
 * on) or Fastify (`reply.hijack(); server(request.raw, reply.raw)`), plus
 * `listen` and `close` to run it as a service of its own.
 */
export interface TemporalDbServer {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** Listens on `host:port` (default 127.0.0.1:4780); refuses a non-loopback host without a token. */
  listen(options?: ListenOptions): Promise<ListeningAddress>;
  /**
   * Stops accepting connections and requests, waits for the requests in
   * flight (their writes acknowledged or refused, never lost), then closes
   * the connections. It does not close the store: the caller opened it.
   */
  close(): Promise<void>;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TemporalDbError('INVALID_INPUT', `Invalid input at options.${name}: expected a whole number of at least 1`, { path: ['options', name] });
  }
  return value;
}

function checkedToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
    throw new TemporalDbError('INVALID_INPUT', `The token must be a string of at least ${MIN_TOKEN_LENGTH} characters (for instance: openssl rand -hex 32)`, {
      path: ['options', 'token'],
    });
  }
  return token;
}

function checkedBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return '';
  if (!/^\/[^?#]*[^/?#]$/.test(basePath)) {
    throw new TemporalDbError('INVALID_INPUT', 'Invalid input at options.basePath: expected a path such as /db (a leading /, no trailing /)', {
      path: ['options', 'basePath'],
    });
  }
  return basePath;
}

/**
 * Serves a store over HTTP: a JSON REST API over the same repository API,
 * with the same validation and error codes. See the README's "Service"
 * section for every route.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db';
 * import { createTemporalDbServer } from 'temporal-db/server';
 * const db = await openTemporalDb({ path: './architecture-db' });
 * const server = createTemporalDbServer(db);
 * const { url } = await server.listen({ port: 4780 }); // http://127.0.0.1:4780
 * // later: await server.close(); await db.close();
 */
export function createTemporalDbServer(db: TemporalDb, options: TemporalDbServerOptions = {}): TemporalDbServer {
  const token = checkedToken(options.token);
  const basePath = checkedBasePath(options.basePath);
  const maxBodyBytes = positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const maxImportBytes = positive(options.maxImportBytes, DEFAULT_MAX_IMPORT_BYTES, 'maxImportBytes');
  const maxDepth = positive(options.maxDepth, DEFAULT_MAX_DEPTH, 'maxDepth');
  const authenticate = createAuthCheck(token, options.allowedHosts ?? []);
  const cors = createCorsCheck(options.corsOrigins ?? []);
  const match = createRouter(v1Routes(db));
  const log = options.log;
  const keepAliveMs = positive(options.keepAliveMs, 15_000, 'keepAliveMs');
  // Each request's signal, aborted when it ends or the server closes: what ends the long-lived responses
  // (sync events), so close() does not wait on them. A set, not listeners on one signal: requests are many.
  const signals = new Set<AbortController>();

  let closing = false;
  const inFlight = new Set<ServerResponse>();
  let idle: (() => void) | undefined;
  let http: Server | undefined;

  const finished = (res: ServerResponse) => {
    inFlight.delete(res);
    // Once closing, a connection whose last request is done is closed rather than kept alive.
    if (closing) http?.closeIdleConnections();
    if (inFlight.size === 0) idle?.();
  };

  const handler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const started = performance.now();
    const raw = req.url ?? '/';
    const at = raw.indexOf('?');
    let path = at >= 0 ? raw.slice(0, at) : raw;
    const query = new URLSearchParams(at >= 0 ? raw.slice(at + 1) : '');
    if (basePath !== '') {
      const inside = path === basePath || path.startsWith(`${basePath}/`);
      if (!inside && next) return next();
      path = inside ? path.slice(basePath.length) || '/' : '/\0outside';
    }
    let found: Match = undefined;
    let failure: HttpError | undefined;
    try {
      found = match(req.method ?? 'GET', pathSegments(path));
    } catch (error) {
      failure = toHttpError(error);
    }
    // Mounted at the root of an application, a path that is none of ours belongs to the application.
    if (!found && !failure && next) return next();
    const route = found && 'route' in found ? found.route : undefined;
    const params = found && 'route' in found ? found.params : {};

    inFlight.add(res);
    let code: string | undefined;
    const gone = new AbortController();
    signals.add(gone);
    res.once('close', () => {
      gone.abort();
      signals.delete(gone);
      finished(res);
      log?.({ method: req.method ?? '', route: route?.path, status: res.statusCode, ...(code ? { code } : {}), durationMs: performance.now() - started });
    });
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');

    const run = async () => {
      if (closing) throw new HttpError(503, 'SHUTTING_DOWN', 'The service is shutting down', [], [], { connection: 'close' });
      // A preflight comes without credentials, so CORS is answered before authentication.
      if (cors(req, res)) return;
      authenticate(req);
      if (failure) throw failure;
      if (found && 'allow' in found) {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not a method of this route; it takes ${found.allow.join(', ')}`, [], [], {
          allow: found.allow.join(', '),
        });
      }
      if (!route) throw new HttpError(404, 'NOT_FOUND', 'No such route; the routes are under /v1 (see the README)');
      const context: RouteContext = {
        req,
        res,
        params,
        query,
        mount: `${(req as { baseUrl?: string }).baseUrl ?? ''}${basePath}`,
        json: async ({ optional = false } = {}) => {
          if (optional && !hasBody(req)) return undefined;
          requireMediaType(req, ['application/json']);
          return readJson(req, maxBodyBytes, maxDepth);
        },
        spool: async () => {
          requireMediaType(req, [NDJSON, 'application/ndjson']);
          return spoolBody(req, maxImportBytes);
        },
        signal: gone.signal,
        keepAliveMs,
      };
      await send(res, await route.handle(context));
    };
    run().catch((error: unknown) => {
      const failed = toHttpError(error);
      code = failed.code;
      sendError(req, res, failed);
    });
  };

  const server = handler as TemporalDbServer;

  server.listen = async ({ host = DEFAULT_HOST, port = DEFAULT_PORT } = {}) => {
    if (!isLoopback(host) && token === undefined) {
      throw new TemporalDbError('INVALID_INPUT', `Listening on ${host} needs a token (the token option, --token or TEMPORAL_DB_TOKEN): only loopback addresses may be served without one`, {
        path: ['token'],
      });
    }
    if (http) throw new TemporalDbError('INVALID_INPUT', 'The server is already listening', { path: ['listen'] });
    if (closing) throw new TemporalDbError('DATABASE_CLOSED', 'The server is closed');
    const listening = createServer({ keepAliveTimeout: IDLE_CONNECTION_MS }, handler);
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    http = listening;
    const address = listening.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${shown}:${address.port}${basePath}`, host: address.address, port: address.port };
  };

  let closed: Promise<void> | undefined;
  server.close = () => {
    closed ??= (async () => {
      closing = true;
      for (const signal of signals) signal.abort();
      const stopped = http ? new Promise<void>((resolve) => http!.close(() => resolve())) : Promise.resolve();
      http?.closeIdleConnections();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      if (inFlight.size > 0) await new Promise<void>((resolve) => (idle = resolve));
      http?.closeIdleConnections();
      await stopped;
    })();
    return closed;
  };

  return server;
}

async function send(res: ServerResponse, reply: Reply): Promise<void> {
  if ('json' in reply) {
    const body = JSON.stringify(reply.json ?? null);
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...reply.headers,
    });
    res.end(body);
    return;
  }
  res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType, ...reply.headers });
  // A stream's first bytes go out at once (an event stream may wait long for its first event).
  res.flushHeaders();
  for await (const line of reply.lines) {
    if (res.destroyed) break;
    const flowing = res.write(line);
    // Other requests get their turn between two chunks: a socket that takes every write at once
    // (a reader as fast as the service, on loopback) emits 'drain' without a turn of the event loop,
    // and a few large exports then kept every other request waiting for seconds.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!flowing && res.writableNeedDrain) {
      // Wait for the client to read on; a client that went away ends the export (the loop's return closes the reader).
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    // A stream broken half way: cut the connection, so the client cannot take a partial export for a whole one.
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(error));
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...error.headers,
  });
  res.end(body);
  // A body left unread after a 413 is discarded rather than left to block the connection's close.
  if (error.status === 413) req.resume();
}
