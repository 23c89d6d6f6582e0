// Continuous sync: a round after each local commit, after each poke from the
// server's event stream, on reconnect; while the server cannot be reached,
// rounds are retried with exponential backoff and full jitter (never a tight
// loop), and the browser's `online` event retries at once.
import { TemporalDbError } from '../core/errors.js';
import { EXPORT_TABLES } from '../core/interchange.js';
import type { TemporalDb } from '../core/temporal-db.js';
import { sync, type SyncOptions, type SyncResult } from './client.js';
import { internals } from '../core/internals.js';
import { Remote } from './remote.js';

export type SyncStatus = 'idle' | 'syncing' | 'offline' | 'error';

export interface StartSyncOptions extends Omit<SyncOptions, 'signal'> {
  /** The first retry waits about this long, in ms (default 500); each failure doubles it. */
  minRetryMs?: number;
  /** The longest wait between retries, in ms (default 30,000). */
  maxRetryMs?: number;
}

/** The `detail` of a `status` event. */
export interface SyncStatusDetail {
  status: SyncStatus;
  /** Why the last round failed (`offline`, `error`). */
  error?: TemporalDbError;
  /** When offline or in error: how long until the next try, in ms. */
  retryInMs?: number;
}

/**
 * A running sync: `status` (`idle`, `syncing`, `offline`, `error`), events
 * `status` (detail {@link SyncStatusDetail}) and `synced` (detail
 * {@link SyncResult}), `syncNow()` and `stop()`.
 */
export interface SyncHandle extends EventTarget {
  readonly status: SyncStatus;
  /** The error of the last failed round, until a round succeeds. */
  readonly error: TemporalDbError | undefined;
  /** Runs a round now (or joins the one under way) and resolves with its result. */
  syncNow(): Promise<SyncResult>;
  /** Stops syncing: no new round, the event stream closed; resolves once the round under way has ended. */
  stop(): Promise<void>;
}

const EXPORTED: ReadonlySet<unknown> = new Set(EXPORT_TABLES);

const coded = (error: unknown): TemporalDbError =>
  error instanceof TemporalDbError ? error : new TemporalDbError('SYNC_UNAVAILABLE', `Sync failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

/** Retried by itself: the server is away; anything else is an `error` that needs a person, retried slowly. */
const transient = (error: TemporalDbError) => error.code === 'SYNC_UNAVAILABLE' || error.code === 'STORAGE_UNAVAILABLE';

class LiveSync extends EventTarget implements SyncHandle {
  status: SyncStatus = 'idle';
  error: TemporalDbError | undefined;
  private readonly stopping = new AbortController();
  private running: Promise<SyncResult> | undefined;
  private again = false;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly cleanups: Array<() => void> = [];
  private events: Promise<void> | undefined;
  /** The last server sequence announced: a poke about it again calls for nothing. */
  private seen = 0;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly db: TemporalDb,
    private readonly url: string,
    private readonly options: StartSyncOptions,
  ) {
    super();
    this.minRetryMs = options.minRetryMs ?? 500;
    this.maxRetryMs = Math.max(this.minRetryMs, options.maxRetryMs ?? 30_000);
    // Writes of records, made here or elsewhere on the store (another tab, another process): each calls for a
    // round. A pulled page or a checkpoint does not.
    this.cleanups.push(
      db.onCommit((event) => {
        const records = event.writes.some((write) => EXPORTED.has(write[0]));
        const pulled = event.writes.some((write) => write[0] === 'meta' && typeof write[1] === 'string' && write[1].startsWith('syncPull.'));
        if (records && !pulled) this.wanted();
      }),
    );
    const target = globalThis as unknown as Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;
    if (typeof target.addEventListener === 'function' && typeof (globalThis as { window?: unknown }).window !== 'undefined') {
      const online = () => this.reconnect();
      target.addEventListener('online', online);
      this.cleanups.push(() => target.removeEventListener!('online', online));
    }
    this.wanted();
    this.events = this.listen();
  }

  private setStatus(status: SyncStatus, extra: Omit<SyncStatusDetail, 'status'> = {}): void {
    this.status = status;
    this.dispatchEvent(Object.assign(new Event('status'), { detail: { status, ...extra } satisfies SyncStatusDetail }));
  }

  /** A round is wanted: now, after the one under way, or when the backoff ends (never earlier: no tight loop). */
  private wanted(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.retry !== undefined) return;
    void this.round().catch(() => undefined);
  }

  /** The server is reachable again (the event stream connected, the browser went online): retry now. */
  private reconnect(): void {
    if (this.retry !== undefined) {
      clearTimeout(this.retry);
      this.retry = undefined;
    }
    this.failures = 0;
    this.wanted();
  }

  syncNow(): Promise<SyncResult> {
    if (this.stopping.signal.aborted) return Promise.reject(new TemporalDbError('INVALID_INPUT', 'This sync was stopped', { path: ['syncNow'] }));
    // A round under way may have started before the caller's last write: one more after it.
    if (this.running) return this.running.catch(() => undefined).then(() => this.syncNow());
    if (this.retry !== undefined) {
      clearTimeout(this.retry);
      this.retry = undefined;
    }
    return this.round();
  }

  private round(): Promise<SyncResult> {
    const run = (async () => {
      this.setStatus('syncing');
      try {
        const result = await sync(this.db, this.url, { ...this.options, signal: this.stopping.signal });
        this.failures = 0;
        this.error = undefined;
        this.setStatus('idle');
        this.dispatchEvent(Object.assign(new Event('synced'), { detail: result }));
        return result;
      } catch (failure) {
        if (this.stopping.signal.aborted) throw failure;
        const error = coded(failure);
        if (error.code === 'DATABASE_CLOSED') {
          // The store was closed under the sync: nothing left to sync.
          this.error = error;
          this.setStatus('error', { error });
          void this.halt();
          throw error;
        }
        this.error = error;
        this.failures++;
        // Full jitter (a random wait up to the exponential bound): clients that lost one server do not come back in step.
        const bound = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** (this.failures - 1));
        const retryInMs = Math.round(bound / 2 + (Math.random() * bound) / 2);
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.wanted();
        }, retryInMs);
        this.setStatus(transient(error) ? 'offline' : 'error', { error, retryInMs });
        throw error;
      } finally {
        this.running = undefined;
        if (this.again && this.retry === undefined && !this.stopping.signal.aborted) {
          this.again = false;
          queueMicrotask(() => this.wanted());
        }
        this.again = false;
      }
    })();
    this.running = run;
    return run;
  }

  /** Follows the server's pokes; reconnects with the same backoff while the server is away. */
  private async listen(): Promise<void> {
    const signal = this.stopping.signal;
    const remote = new Remote(this.url, this.options);
    let failures = 0;
    while (!signal.aborted) {
      let connected = false;
      try {
        for await (const seq of remote.events(signal)) {
          const fresh = seq > this.seen;
          this.seen = Math.max(this.seen, seq);
          if (!connected) {
            connected = true;
            failures = 0;
            // Connected (again): what happened before or meanwhile is pulled now, and an offline client retries at once.
            this.reconnect();
            continue;
          }
          if (fresh) this.wanted();
        }
      } catch {
        // Unreachable or cut: said by the rounds' status; here only the reconnect waits.
      }
      if (signal.aborted) return;
      failures = connected ? 1 : failures + 1;
      const bound = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** (failures - 1));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, bound / 2 + (Math.random() * bound) / 2);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  async stop(): Promise<void> {
    await this.halt();
    if (this.status !== 'idle' && this.error?.code !== 'DATABASE_CLOSED') this.setStatus('idle');
  }

  private async halt(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort(new TemporalDbError('SYNC_UNAVAILABLE', 'Sync was stopped'));
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    await Promise.allSettled([this.running, this.events]);
  }
}

/**
 * Keeps `db` in sync with the service at `url` until `stop()`: a round
 * after each local write (db.onCommit), whenever the server announces new
 * commits (its event stream), and on reconnect; offline, rounds are retried
 * with exponential backoff and jitter.
 *
 * @example
 * import { startSync } from 'temporal-db/sync';
 * const handle = startSync(db, 'https://adr.example.com', { token });
 * handle.addEventListener('status', () => console.log(handle.status));
 * // later: await handle.stop();
 */
export function startSync(db: TemporalDb, url: string, options: StartSyncOptions = {}): SyncHandle {
  internals(db, 'sync');
  new Remote(url, options);
  return new LiveSync(db, url, options);
}
