// Who may call the service: a bearer token when one is set, compared in
// constant time; without one, only requests addressed to a loopback name,
// which keeps a web page from reaching a local service through DNS rebinding.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** The shortest token accepted: guessing one must not be an option. */
export const MIN_TOKEN_LENGTH = 16;

// Digests have one length whatever the token's, so the comparison time tells nothing about it.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True for an address or name that only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || /^(0+:){7}0*1$/.test(name);
  return false;
}

/** The host name of a Host header (`[::1]:4780` → `[::1]`, `localhost:4780` → `localhost`). */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon >= 0 ? header.slice(0, colon) : header;
}

/**
 * Checks a request: its bearer token when `token` is set, else that it is
 * addressed to a loopback name or to one of `allowedHosts` (`true`: any; for
 * an application that mounts the handler behind its own authentication).
 */
export function createAuthCheck(token: string | undefined, allowedHosts: readonly string[] | true = []): (req: IncomingMessage) => void {
  if (token === undefined) {
    if (allowedHosts === true) return () => {};
    const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
    return (req) => {
      const host = req.headers.host === undefined ? undefined : hostName(req.headers.host).toLowerCase();
      if (host === undefined || !(isLoopback(host) || allowed.has(host))) {
        throw new HttpError(403, 'FORBIDDEN', 'Without a token the service answers only requests addressed to localhost, 127.0.0.1, [::1] or its allowedHosts');
      }
    };
  }
  const expected = digest(token);
  const challenge = { 'www-authenticate': 'Bearer realm="temporal-db"' };
  return (req) => {
    const header = req.headers.authorization;
    const given = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    if (given === undefined) throw new HttpError(401, 'UNAUTHORIZED', 'Send the token as Authorization: Bearer <token>', [], [], challenge);
    if (!timingSafeEqual(digest(given), expected)) throw new HttpError(401, 'UNAUTHORIZED', 'The token is wrong', [], [], challenge);
  };
}
