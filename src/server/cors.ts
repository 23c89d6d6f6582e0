// Cross-origin browser calls: answered only for the origins configured (and
// the service's own origin); a preflight is answered before authentication,
// since browsers never send credentials with one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';

const METHODS = 'GET, POST, DELETE';
const HEADERS = 'authorization, content-type';

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Sets the CORS headers of a request from an allowed origin, refuses one from
 * any other (403 `FORBIDDEN`), and answers a preflight. Returns true when the
 * request was a preflight and has been answered.
 */
export function createCorsCheck(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    if (!any && !allowed.has(origin) && !sameOrigin(origin, req.headers.host)) {
      throw new HttpError(403, 'FORBIDDEN', `The origin ${origin} is not allowed (see the corsOrigins option)`);
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'location, www-authenticate');
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    res.writeHead(204, {
      'access-control-allow-methods': METHODS,
      'access-control-allow-headers': HEADERS,
      'access-control-max-age': '600',
      'content-length': '0',
    });
    res.end();
    return true;
  };
}
