import { DEFAULT_HOST, DEFAULT_PORT, createTemporalDbServer } from '../../server/create-server.js';
import { MIN_TOKEN_LENGTH, isLoopback } from '../../server/auth.js';
import { stringOption, type Flags } from '../args.js';
import { usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';
import { withStore } from '../store-access.js';
import { parseStoreLocation } from '../store-location.js';
import type { TemporalDb } from '../../core/temporal-db.js';

/**
 * Opens the store to serve: the LMDB directory of --db, or with --postgres a
 * PostgreSQL store that several `serve` instances may share (each one's sync
 * clients hear of the others' writes through LISTEN/NOTIFY).
 */
async function withServedStore(flags: Flags, storePath: string, use: (db: TemporalDb, display: string) => Promise<void>): Promise<void> {
  const postgres = stringOption(flags, 'postgres');
  if (postgres === undefined) return withStore(storePath, 'create', (db) => use(db, storePath));
  if (flags.db !== undefined) throw usageError('serve takes --db or --postgres, not both', ['--postgres']);
  const location = parseStoreLocation(postgres, '--postgres');
  if (location.kind !== 'postgres') throw usageError('--postgres takes a postgres:// or postgresql:// URL', ['--postgres']);
  const { openTemporalDb } = await import('../../backends/postgres/open.js');
  const db = await openTemporalDb({ connectionString: location.connectionString, schema: location.schema });
  try {
    await use(db, location.display);
  } finally {
    await db.close();
  }
}

function portOption(flags: Flags): number {
  const value = stringOption(flags, 'port');
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535) {
    throw usageError(`--port takes a port number from 0 to 65535 (0: any free port), not ${JSON.stringify(value)}`, ['--port']);
  }
  return Number(value);
}

/** Resolves on the first SIGTERM or SIGINT; a second one ends the process at once (the default action). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export const serve: CommandRun = async ({ flags, storePath, out }) => {
  const host = stringOption(flags, 'host') ?? DEFAULT_HOST;
  const port = portOption(flags);
  // An empty TEMPORAL_DB_TOKEN is no token; the flag wins over the environment.
  const token = stringOption(flags, 'token') ?? (process.env.TEMPORAL_DB_TOKEN || undefined);
  const where = flags.token !== undefined ? '--token' : 'TEMPORAL_DB_TOKEN';
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw usageError(`${where} must be at least ${MIN_TOKEN_LENGTH} characters (for instance: openssl rand -hex 32)`, [where]);
  }
  if (token === undefined && !isLoopback(host)) {
    throw usageError(`listening on ${host} needs a token (--token or TEMPORAL_DB_TOKEN); without one only loopback addresses are served`, ['--token']);
  }
  const origins = (stringOption(flags, 'cors-origins') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  const stopped = stopSignal();
  await withServedStore(flags, storePath, async (db, display) => {
    const server = createTemporalDbServer(db, {
      ...(token !== undefined ? { token } : {}),
      corsOrigins: origins,
      // The route pattern, status and time only: never an identifier, a body or the token.
      log: ({ method, route, status, code, durationMs }) =>
        out.note(`${method} ${route ?? '(no route)'} ${status}${code ? ` ${code}` : ''} ${durationMs.toFixed(1)} ms`),
    });
    const { url } = await server.listen({ host, port });
    out.data({ url }, () => url);
    out.note(`Serving ${display}${token !== undefined ? ' (bearer token required)' : ''}; Ctrl-C or SIGTERM stops after the requests in flight`);
    await stopped;
    // Requests in flight finish (their writes committed); then withStore closes the store.
    await server.close();
  });
};
