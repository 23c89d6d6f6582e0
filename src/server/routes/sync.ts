// The sync routes (protocol in src/sync/protocol.ts, README "Sync"):
// `info` says who the store is and whether a client's checkpoint still names
// one of its commits; `pull` streams the records committed after a cursor in
// pages, each ended by its checkpoint line; `push` commits one page of record
// lines as one batch; `events` pokes clients with the last sequence.
import { createReadStream } from 'node:fs';
import { readLines } from '../../core/interchange.js';
import type { Backend } from '../../core/backend.js';
import type { TemporalDb } from '../../core/temporal-db.js';
import { rowAt } from '../../core/tables.js';
import { applyPage } from '../../sync/apply-page.js';
import { feedPages, fingerprint, fingerprintSeq, lastSeq } from '../../sync/feed.js';
import { internals } from '../../core/internals.js';
import { DEFAULT_PAGE, MAX_PAGE, SYNC_PROTOCOL_VERSION, type Cursor, type PushAnswer, type SyncInfo } from '../../sync/protocol.js';
import { HttpError } from '../http-error.js';
import { queryArguments, type Route } from '../router.js';
import { ok } from './reply.js';
import { NDJSON } from './store.js';
import { syncEvents } from './sync-events.js';
import { STORE_ID, storeIdOf } from '../../sync/store-identity.js';
import { marked, pushedName } from '../../sync/checkpoints.js';

const invalid = (name: string, message: string) =>
  new HttpError(400, 'INVALID_INPUT', `Invalid input at query.${name}: ${message}`, ['query', name], [{ path: ['query', name], message }]);

function whole(args: Record<string, unknown>, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  const value = args[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw invalid(name, `expected a whole number from ${min} to ${max}`);
  return value;
}

/** The cursor of `?seq=&offset=&commit=`; at the start no fingerprint is needed. */
function cursorOf(args: Record<string, unknown>): { cursor: Cursor; commit: string } {
  const cursor = { seq: whole(args, 'seq', 0), offset: whole(args, 'offset', 0) };
  const commit = args.commit;
  if (commit !== undefined && typeof commit !== 'string') throw invalid('commit', 'expected a fingerprint');
  if ((cursor.seq > 0 || cursor.offset > 0) && commit === undefined) throw invalid('commit', 'a cursor past the start needs the fingerprint of its commit');
  return { cursor, commit: commit ?? '' };
}

/** `?client=`: the store id of the client, whose own pushes a pull leaves out. */
function clientOf(args: Record<string, unknown>): string | undefined {
  const client = args.client;
  if (client === undefined) return undefined;
  if (typeof client !== 'string' || !STORE_ID.test(client)) throw invalid('client', 'expected the store id (a uuid) of the client');
  return client;
}

/** Whether this store holds the commit a client's cursor stands on, with the same fingerprint. */
async function holds(backend: Backend, cursor: Cursor, commit: string): Promise<boolean> {
  const seq = fingerprintSeq(cursor);
  if (seq === 0) return true;
  const row = await rowAt(backend, 'commits', [seq]);
  if (!row || cursor.offset > row.writes.length) return false;
  return (await fingerprint(row)) === commit;
}

async function* pullLines(backend: Backend, storeId: string, from: Cursor, limit: number, until: number, client: string | undefined): AsyncGenerator<string> {
  yield JSON.stringify({ sync: SYNC_PROTOCOL_VERSION, storeId, seq: until }) + '\n';
  // What the client pushed itself it holds: not sent back (its commits here carry its mark).
  const skip = client === undefined ? undefined : marked(pushedName(client));
  for await (const page of feedPages(backend, from, { limit, until, ...(skip ? { skip } : {}) })) {
    // The page's lines are written together: the client commits a page only once its checkpoint line is in.
    let text = '';
    for (const record of page.records) text += JSON.stringify(record) + '\n';
    yield text + JSON.stringify({ checkpoint: { ...page.cursor, commit: await fingerprint(page.commit) } }) + '\n';
  }
  yield JSON.stringify({ end: { seq: until } }) + '\n';
}

/** The lines of a pushed page as JSON values (checked as records by applyRecords). */
async function pushedLines(file: string): Promise<unknown[]> {
  const lines: unknown[] = [];
  for await (const text of readLines(createReadStream(file))) {
    if (text.trim() === '') continue;
    if (lines.length >= MAX_PAGE) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `A pushed page holds at most ${MAX_PAGE} records`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, 'INVALID_INPUT', `Record ${lines.length}: not JSON (${(error as Error).message})`, [lines.length]);
    }
    lines.push(value);
  }
  return lines;
}

export function syncRoutes(db: TemporalDb): Route[] {
  // The store is looked up per request: a closed store answers DATABASE_CLOSED (503).
  const store = () => internals(db, 'sync');
  return [
    {
      method: 'GET',
      path: '/v1/sync/info',
      handle: async ({ query }) => {
        const { cursor, commit } = cursorOf(queryArguments(query, { seq: 'number', offset: 'number', commit: 'string' }));
        const inner = store();
        const storeId = await storeIdOf(inner);
        const info: SyncInfo = { protocol: SYNC_PROTOCOL_VERSION, storeId, seq: await lastSeq(inner.backend), known: await holds(inner.backend, cursor, commit) };
        return ok(info);
      },
    },
    {
      method: 'GET',
      path: '/v1/sync/pull',
      handle: async ({ query }) => {
        const args = queryArguments(query, { seq: 'number', offset: 'number', commit: 'string', limit: 'number', client: 'string' });
        const { cursor, commit } = cursorOf(args);
        const client = clientOf(args);
        const limit = whole(args, 'limit', DEFAULT_PAGE, MAX_PAGE, 1);
        const inner = store();
        const storeId = await storeIdOf(inner);
        if (!(await holds(inner.backend, cursor, commit))) {
          throw new HttpError(409, 'SYNC_CHECKPOINT_UNKNOWN', 'This store holds no commit matching the checkpoint (restored from an older backup?): pull from the start');
        }
        // The feed ends at the last commit as of now; later ones come with the next pull.
        const until = await lastSeq(inner.backend);
        return { lines: pullLines(inner.backend, storeId, cursor, limit, until, client), contentType: `${NDJSON}; charset=utf-8` };
      },
    },
    {
      method: 'POST',
      path: '/v1/sync/push',
      handle: async ({ spool, query }) => {
        const client = clientOf(queryArguments(query, { client: 'string' }));
        const body = await spool();
        let lines: unknown[];
        try {
          lines = await pushedLines(body.file);
        } finally {
          await body.remove();
        }
        const inner = store();
        // The page's commit carries the client's mark, so that its pulls leave it out.
        const applied = await applyPage(inner, lines, client === undefined ? [] : [{ name: pushedName(client), value: true }]);
        const seq = await lastSeq(inner.backend);
        const answer: PushAnswer = { ...applied, seq, commit: await fingerprint(await rowAt(inner.backend, 'commits', [seq])) };
        return ok(answer);
      },
    },
    {
      method: 'GET',
      path: '/v1/sync/events',
      handle: async ({ query, signal, keepAliveMs }) => {
        queryArguments(query, {});
        const inner = store();
        return {
          lines: syncEvents(db, inner.backend, signal, keepAliveMs),
          contentType: 'text/event-stream; charset=utf-8',
          headers: { 'x-accel-buffering': 'no' },
        };
      },
    },
  ];
}
