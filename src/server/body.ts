// Request bodies: read up to a size limit (413 past it, before anything is
// parsed), JSON checked for nesting depth before JSON.parse, an NDJSON import
// spooled to a temporary file because an import reads its source twice.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { HttpError } from './http-error.js';
import { firstTooDeep } from './json-depth.js';

const tooLarge = (limit: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`, [], [], { connection: 'close' });

/** The media type of a request (`application/json`), lowercased, without parameters. */
export function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  return header === undefined ? undefined : header.split(';')[0]!.trim().toLowerCase();
}

/** True when the request says it carries a body. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Refuses the request unless its declared type is one of `types` (a 415 names them). */
export function requireMediaType(req: IncomingMessage, types: readonly string[]): void {
  const type = mediaType(req);
  if (type === undefined || !types.includes(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as ${types.join(' or ')}${type ? `, not ${type}` : ' (Content-Type is missing)'}`);
  }
}

/** Fails fast on a declared Content-Length over `limit`, so nothing of such a body is read. */
function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/** The whole body as bytes, refused with 413 past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The body parsed as JSON: 413 past `limit` bytes, 400 `INVALID_INPUT` when
 * it is not JSON or nests deeper than `maxDepth` (with the path to the first
 * value too deep). An empty body is `undefined`.
 */
export async function readJson(req: IncomingMessage, limit: number, maxDepth: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') return undefined;
  const deep = firstTooDeep(text, maxDepth);
  if (deep !== undefined) {
    throw new HttpError(400, 'INVALID_INPUT', `The body nests objects and arrays more than ${maxDepth} levels deep`, deep, [
      { path: deep, message: `nests objects and arrays more than ${maxDepth} levels deep` },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, 'INVALID_INPUT', `The body is not JSON: ${reason}`, [], [{ path: [], message: `is not JSON: ${reason}` }]);
  }
}

/** A spooled body: the file it is in, and `remove()` to delete it. */
export interface Spooled {
  file: string;
  remove(): Promise<void>;
}

/** Writes the body to a private temporary file, refused with 413 past `limit` bytes. */
export async function spoolBody(req: IncomingMessage, limit: number): Promise<Spooled> {
  checkDeclaredLength(req, limit);
  const dir = await mkdtemp(join(tmpdir(), 'temporal-db-import-'));
  const file = join(dir, 'body.ndjson');
  const remove = () => rm(dir, { recursive: true, force: true });
  const out = createWriteStream(file, { mode: 0o600 });
  try {
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return { file, remove };
  } catch (error) {
    out.destroy();
    await remove();
    throw error;
  }
}
