// A route table and its matching. Paths are split on `/` before their
// segments are decoded, so an identifier holding `/` (sent as `%2F`) stays
// one segment; query parameters are typed per route and unknown ones refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Spooled } from './body.js';
import { HttpError } from './http-error.js';

export type Method = 'GET' | 'POST' | 'DELETE';

/** What a route's handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The decoded `:name` segments of the path. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The path the service is mounted at (`''` or e.g. `/db`), for Location headers. */
  mount: string;
  /** The body as JSON (`application/json`, within the size and depth limits); `optional`: an absent body is `undefined`. */
  json(options?: { optional?: boolean }): Promise<unknown>;
  /** The body (`application/x-ndjson`, within the import size limit) in a temporary file. */
  spool(): Promise<Spooled>;
  /** Aborted when the client goes away or the server closes: what ends a long-lived response (the sync events). */
  signal: AbortSignal;
  /** How often a long-lived response sends a keep-alive comment, in ms. */
  keepAliveMs: number;
}

/** What a handler returns: a JSON body (status 200 unless given), or NDJSON lines streamed as they come. */
export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; lines: AsyncIterable<string>; contentType: string; headers?: Record<string, string> };

export interface Route {
  method: Method;
  /** `/v1/specifications/:identifier/history`: literal segments and `:name` parameters. */
  path: string;
  handle(context: RouteContext): Promise<Reply>;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export type Match = { route: Route; params: Record<string, string> } | { allow: Method[] } | undefined;

/** Splits a raw request path (no query) into decoded segments; a lone trailing `/` is ignored. */
export function pathSegments(rawPath: string): string[] {
  const trimmed = rawPath.replace(/^\//, '').replace(/(.)\/$/, '$1');
  try {
    return trimmed.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'The path holds a malformed percent-encoding', ['path'], [
      { path: ['path'], message: 'holds a malformed percent-encoding (encode identifiers with encodeURIComponent)' },
    ]);
  }
}

/**
 * A matcher over `routes`. Literal segments win over parameters, so that
 * `/v1/patterns/similar` is not taken for the pattern id `similar`.
 */
export function createRouter(routes: readonly Route[]): (method: string, segments: string[]) => Match {
  const compiled: CompiledRoute[] = routes.map((route) => ({ ...route, segments: route.path.replace(/^\//, '').split('/') }));
  const score = (route: CompiledRoute) => route.segments.filter((s) => s.startsWith(':')).length;
  compiled.sort((a, b) => score(a) - score(b));
  return (method, segments) => {
    const allow: Method[] = [];
    for (const route of compiled) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      if (!allow.includes(route.method)) allow.push(route.method);
    }
    return allow.length > 0 ? { allow } : undefined;
  };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      params[p.slice(1)] = s;
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}

/** How a query parameter's text becomes the value the library takes. */
export type QueryType = 'string' | 'number' | 'instant' | 'boolean';

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function convert(value: string, type: QueryType): unknown {
  switch (type) {
    case 'number':
      return NUMBER.test(value) ? Number(value) : value;
    case 'instant':
      // Milliseconds since the epoch as digits, else the text (an ISO 8601 date) as it is.
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'boolean':
      return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    default:
      return value;
  }
}

/**
 * The query parameters as the library's arguments: each converted to its
 * type (a value that does not convert is passed on as text, for the library
 * to report with its path); an unknown or repeated parameter is refused.
 */
export function queryArguments(query: URLSearchParams, types: Record<string, QueryType>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, value] of query) {
    if (!Object.hasOwn(types, name)) {
      const known = Object.keys(types);
      const hint = known.length > 0 ? `; this route takes ${known.join(', ')}` : '; this route takes none';
      throw queryError(name, `is not a parameter of this route${hint}`);
    }
    if (Object.hasOwn(args, name)) throw queryError(name, 'is given more than once');
    args[name] = convert(value, types[name]!);
  }
  return args;
}

function queryError(name: string, message: string): HttpError {
  return new HttpError(400, 'INVALID_INPUT', `Invalid input at query.${name}: ${message}`, ['query', name], [{ path: ['query', name], message }]);
}
