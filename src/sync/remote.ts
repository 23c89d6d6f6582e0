// The sync server as the client sees it: the four routes under /v1/sync over
// fetch (Node 20+ and browsers alike), every failure turned into a coded
// TemporalDbError that says whether trying again later can help.
import { TemporalDbError } from '../core/errors.js';
import { readLines } from '../core/interchange.js';
import { SYNC_PROTOCOL_VERSION, type Cursor, type PageCheckpoint, type PullHeader, type PullLine, type PushAnswer, type RecordLine, type SyncInfo } from './protocol.js';

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface RemoteOptions {
  /** The server's bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** The fetch to use (a test's, a proxy's); default `globalThis.fetch`. */
  fetch?: Fetch | undefined;
  /** This store's id: the server leaves what this client pushed out of its pulls. */
  client?: string | undefined;
  signal?: AbortSignal | undefined;
}

const unavailable = (url: string, why: string, cause?: unknown) =>
  new TemporalDbError('SYNC_UNAVAILABLE', `The sync server at ${url} is unavailable (${why}); nothing was lost, sync again later`, cause === undefined ? {} : { cause });

export const protocolError = (url: string, why: string) => new TemporalDbError('SYNC_PROTOCOL', `The server at ${url} does not speak temporal-db sync ${SYNC_PROTOCOL_VERSION}: ${why}`);

/** The error a failed answer stands for. `rejected`: a 4xx that refuses this request (a pushed page), not the whole protocol. */
async function answerError(url: string, response: Response, rejected: boolean): Promise<TemporalDbError> {
  let code = '';
  let message = '';
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? '';
    message = body.error?.message ?? '';
  } catch {
    // Not our JSON error body: said by the status alone.
  }
  const status = response.status;
  if (status === 401 || status === 403) return new TemporalDbError('SYNC_UNAUTHORIZED', `The sync server at ${url} refused the request (${status} ${code || response.statusText}): ${message || 'check the token'}`);
  if (status >= 500 || status === 408 || status === 429) return unavailable(url, `${status}${code ? ` ${code}` : ''}`);
  if (status === 404 || status === 405) return protocolError(url, `${status} on a sync route (is it a temporal-db service with sync?)`);
  if (rejected) return new TemporalDbError('SYNC_REJECTED', `The sync server at ${url} refused a page (${status} ${code}): ${message}`);
  return protocolError(url, `${status} ${code} ${message}`.trim());
}

/** Tries of a request that gets no answer at all, before the call fails with SYNC_UNAVAILABLE. */
const ATTEMPTS = 3;
const RETRY_PAUSE_MS = 50;

// A short wait (at most a few hundred ms), so its timer is left to run out when the sync stops.
const pause = (ms: number, signal: AbortSignal | undefined) => orAbort(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts: a
 * stopped sync never waits on a transport that does not honour the abort (a
 * stopped `startSync` once waited for ever on a fetch whose body read never
 * settled, with its connection long gone).
 */
function orAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', abort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', abort), reject(error)),
    );
  });
}

/** A client of one sync server. */
export class Remote {
  private readonly base: string;
  private readonly fetch: Fetch;

  constructor(
    url: string,
    private readonly options: RemoteOptions,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TemporalDbError('INVALID_INPUT', `Invalid input at url: expected an http:// or https:// URL, received ${JSON.stringify(url)}`, { path: ['url'] });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TemporalDbError('INVALID_INPUT', `Invalid input at url: expected an http:// or https:// URL, received ${JSON.stringify(url)}`, { path: ['url'] });
    }
    if (options.token !== undefined && typeof options.token !== 'string') {
      throw new TemporalDbError('INVALID_INPUT', 'Invalid input at options.token: expected a string', { path: ['options', 'token'] });
    }
    this.base = url.replace(/\/+$/, '');
    const given = options.fetch ?? (globalThis.fetch as Fetch | undefined);
    if (typeof given !== 'function') throw new TemporalDbError('INVALID_INPUT', 'Invalid input at options.fetch: expected a fetch function', { path: ['options', 'fetch'] });
    // Called unbound: a browser's fetch refuses any `this` but the window's.
    this.fetch = (input, init) => given(input, init);
  }

  get url(): string {
    return this.base;
  }

  private async call(path: string, init: RequestInit & { rejected?: boolean } = {}, signal = this.options.signal): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response | undefined;
    // A request that fails before any answer is sent again, up to ATTEMPTS times: every sync route is
    // idempotent (a push adds nothing twice), and the commonest such failure is a kept-alive
    // connection closed just as this request went out on it; a pool may hold several such.
    for (let attempt = 1; !response; attempt++) {
      try {
        response = await orAbort(this.fetch(`${this.base}${path}`, { ...init, headers, ...(signal ? { signal } : {}) }), signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        if (attempt === ATTEMPTS) throw unavailable(this.base, error instanceof Error ? error.message : String(error), error);
        await pause(RETRY_PAUSE_MS * attempt, signal);
      }
    }
    if (!response.ok) throw await orAbort(answerError(this.base, response, init.rejected === true), signal);
    return response;
  }

  private async json<T>(response: Response): Promise<T> {
    try {
      return (await orAbort(response.json(), this.options.signal)) as T;
    } catch (error) {
      if (this.options.signal?.aborted) throw this.options.signal.reason ?? error;
      throw unavailable(this.base, 'the answer was cut off', error);
    }
  }

  private clientQuery(separator: string): string {
    return this.options.client === undefined ? '' : `${separator}client=${this.options.client}`;
  }

  /** Who the server is, and whether it still holds the commit `checkpoint` stands on. */
  async info(checkpoint?: PageCheckpoint): Promise<SyncInfo> {
    const query = checkpoint ? `?seq=${checkpoint.seq}&offset=${checkpoint.offset}&commit=${encodeURIComponent(checkpoint.commit)}` : '';
    const info = await this.json<SyncInfo>(await this.call(`/v1/sync/info${query}`));
    if (info?.protocol !== SYNC_PROTOCOL_VERSION || typeof info.storeId !== 'string' || !Number.isSafeInteger(info.seq)) {
      throw protocolError(this.base, `protocol ${JSON.stringify(info?.protocol)}`);
    }
    return info;
  }

  /**
   * The lines of a streamed answer (empty ones left out). A stream cut before
   * its end throws `SYNC_UNAVAILABLE` naming `what`, or the abort reason once
   * `signal` aborted.
   */
  private async *lines(response: Response, what: string, signal: AbortSignal | undefined): AsyncGenerator<string> {
    if (!response.body) throw protocolError(this.base, `${what} without a body`);
    const lines = readLines(response.body)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<string>;
        try {
          step = await orAbort(lines.next(), signal);
        } catch (error) {
          if (signal?.aborted) throw signal.reason ?? error;
          throw unavailable(this.base, `${what} was cut off`, error);
        }
        if (step.done) return;
        if (step.value.trim() !== '') yield step.value;
      }
    } finally {
      // Once stopped, the stream's cleanup is not waited for (it may wait on the transport).
      const closed = lines.return?.(undefined);
      if (signal?.aborted) void closed?.catch(() => undefined);
      else await closed;
    }
  }

  /**
   * The lines of a pull from `from`: the header first, then pages (records,
   * then their checkpoint) and an end line. A cut stream throws
   * `SYNC_UNAVAILABLE` where it was cut; pages before that are whole.
   */
  async *pull(from: PageCheckpoint | undefined, limit: number): AsyncGenerator<PullHeader | PullLine> {
    const cursor: Cursor = from ?? { seq: 0, offset: 0 };
    const query = `?seq=${cursor.seq}&offset=${cursor.offset}&limit=${limit}${from ? `&commit=${encodeURIComponent(from.commit)}` : ''}${this.clientQuery('&')}`;
    for await (const line of this.lines(await this.call(`/v1/sync/pull${query}`), 'the pull', this.options.signal)) {
      let parsed: PullHeader | PullLine;
      try {
        parsed = JSON.parse(line) as PullHeader | PullLine;
      } catch (error) {
        throw protocolError(this.base, `a pull line is not JSON (${(error as Error).message})`);
      }
      yield parsed;
    }
  }

  /** Sends one page; the server commits it whole or not at all. */
  async push(records: readonly RecordLine[]): Promise<PushAnswer> {
    const body = records.map((line) => JSON.stringify(line)).join('\n') + '\n';
    const response = await this.call(`/v1/sync/push${this.clientQuery('?')}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body, rejected: true });
    const answer = await this.json<PushAnswer>(response);
    if (typeof answer?.added !== 'number') throw protocolError(this.base, 'a push answer without `added`');
    return answer;
  }

  /** The server's pokes: each commit sequence it announces, until `signal` aborts (then it throws its reason) or the stream ends. */
  async *events(signal: AbortSignal): AsyncGenerator<number> {
    const response = await this.call('/v1/sync/events', { headers: { accept: 'text/event-stream' } }, signal);
    for await (const line of this.lines(response, 'the event stream', signal)) {
      // Server-Sent Events: `data: {...}` lines carry the poke, `:` lines are keep-alive comments.
      if (!line.startsWith('data:')) continue;
      const seq = (JSON.parse(line.slice(5)) as { seq?: unknown }).seq;
      if (typeof seq === 'number') yield seq;
    }
  }
}
