// Where a command that takes two stores (`copy`) finds each: an LMDB directory
// path, or a PostgreSQL URL whose `schema` query parameter names the schema.
// The schema rides in the URL so that one string says which store, on either
// side, and a URL copied from a config file works as it is.
import { resolve } from 'node:path';
import { usageError } from './cli-error.js';

export type StoreLocation =
  | { kind: 'lmdb'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; schema: string; display: string };

/** The schema a PostgreSQL store URL names when it has no `?schema=`: the backend's default. */
export const DEFAULT_SCHEMA = 'temporal_db';

const POSTGRES = /^postgres(ql)?:\/\//i;
// Anything else that looks like `scheme://` is a URL we do not know, not a relative path.
const OTHER_URL = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The URL with its password replaced, fit to print. */
export const redacted = (url: string): string => url.replace(/^([^:]+:\/\/[^:/@]*):[^@/]*@/, '$1:***@');

/**
 * Reads `--from` or `--to`: a `postgres://` or `postgresql://` URL (with
 * `?schema=name`, default `temporal_db`; the parameter is taken out before
 * the URL reaches pg) or else an LMDB directory path.
 */
export function parseStoreLocation(value: string, flag: string): StoreLocation {
  if (value.trim() === '') throw usageError(`${flag} needs a store: an LMDB directory or a postgres:// URL`, [flag]);
  if (POSTGRES.test(value)) {
    const at = value.indexOf('?');
    const base = at === -1 ? value : value.slice(0, at);
    const kept: string[] = [];
    let schema: string | undefined;
    for (const pair of at === -1 ? [] : value.slice(at + 1).split('&')) {
      if (pair === '') continue;
      const [name, raw = ''] = pair.split('=', 2) as [string, string?];
      if (name === 'schema') schema = decodeURIComponent(raw);
      else kept.push(pair);
    }
    if (schema === '') throw usageError(`${flag}: ?schema= needs a schema name`, [flag]);
    const connectionString = kept.length > 0 ? `${base}?${kept.join('&')}` : base;
    schema ??= DEFAULT_SCHEMA;
    return { kind: 'postgres', connectionString, schema, display: `${redacted(connectionString)} (schema ${schema})` };
  }
  const other = OTHER_URL.exec(value);
  if (other) {
    throw usageError(`${flag}: unknown store scheme "${other[1]}:"; a store is an LMDB directory or a postgres:// URL`, [flag]);
  }
  return { kind: 'lmdb', path: resolve(value), display: resolve(value) };
}
