// Node entry `temporal-db/server`: the store served over HTTP (node:http, no framework).
export {
  createTemporalDbServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_IMPORT_BYTES,
  DEFAULT_MAX_DEPTH,
  type TemporalDbServer,
  type TemporalDbServerOptions,
  type ListenOptions,
  type ListeningAddress,
  type RequestLogEntry,
} from './server/create-server.js';
export { MIN_TOKEN_LENGTH } from './server/auth.js';
export type { ServerErrorCode, ErrorBody } from './server/http-error.js';
