/**
 * Options of the connection pool (`pg.Pool`), declared here so that the
 * types of `temporal-db/postgres` need neither `pg` nor `@types/pg`; any
 * other `pg.PoolConfig` field is passed on as it is.
 */
export interface PostgresPoolOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  /** `true`, or the options of `tls.connect`. */
  ssl?: boolean | object;
  /** Connections at most (pg's default: 10). Commits use one at a time; reads run in parallel on the others. */
  max?: number;
  idleTimeoutMillis?: number;
  /** How long a new connection may take, in ms, before the call fails with `STORAGE_UNAVAILABLE`. Here 10,000 by default (pg's own default waits forever). */
  connectionTimeoutMillis?: number;
  /** Server-side limit per statement, in ms: a statement cancelled by it is `STORAGE_UNAVAILABLE`. It also counts the wait for the write lock. */
  statement_timeout?: number;
  lock_timeout?: number;
  idle_in_transaction_session_timeout?: number;
  application_name?: string;
  keepAlive?: boolean;
  [option: string]: unknown;
}

export interface PostgresBackendOptions {
  /** A `postgres://` URL; the `PG*` environment variables fill in what it leaves out. */
  connectionString?: string;
  /** The schema holding the store's tables (created if missing). Defaults to `temporal_db`. Quoted: case is kept. */
  schema?: string;
  pool?: PostgresPoolOptions;
}
