// PostgreSQL entry (Node): the store lives in a schema of a PostgreSQL database, shared by every process that opens it.
export * from './index.js';
export * from './interchange.js';
export { openTemporalDb, type OpenPostgresOptions } from './backends/postgres/open.js';
export type { PostgresBackendOptions, PostgresPoolOptions } from './backends/postgres/options.js';
export { COMMIT_CHANNEL, DEFAULT_PG_SCHEMA } from './backends/postgres/sql-layout.js';
