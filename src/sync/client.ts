// One sync round with a server (CouchDB's replication, both ways): find out
// who the server is and whether it still holds what the checkpoints stand
// for; push the local commits it has not acknowledged, a page per request;
// pull its commits after the pull checkpoint, a page per local commit with
// the checkpoint in it. Records are immutable and both sides skip what they
// hold, so a round can be repeated, cut anywhere and resumed.
import { TemporalDbError } from '../core/errors.js';
import type { TemporalDb } from '../core/temporal-db.js';
import { applyPage } from './apply-page.js';
import { forgetCheckpoints, pulledFrom, pullCheckpointRow, putPushCheckpoint, readCheckpoints, type PushCheckpoint } from './checkpoints.js';
import type { CommitRow } from '../core/tables.js';
import { feedPages, lastSeq } from './feed.js';
import { internals, type Internals } from '../core/internals.js';
import { storeIdOf } from './store-identity.js';
import { DEFAULT_PAGE, MAX_PAGE, SYNC_PROTOCOL_VERSION, type PageCheckpoint, type PullHeader, type PullLine } from './protocol.js';
import { Remote, protocolError, type Fetch } from './remote.js';

export interface SyncOptions {
  /** The server's bearer token (`temporal-db serve --token`). */
  token?: string;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: Fetch;
  /** Records per page, both ways (default 500, at most 5000). A client holds one page in memory at a time. */
  limit?: number;
  /** Called after each page is committed (pull) or acknowledged (push). */
  onPage?: (page: SyncPage) => void;
  /** Aborts the round; pages already committed stay, and the next round resumes after them. */
  signal?: AbortSignal;
}

export interface SyncPage {
  direction: 'push' | 'pull';
  /** Records in the page. */
  records: number;
  /** Of those, the ones the receiving side did not hold yet. */
  added: number;
}

export interface SyncResult {
  /** Records the server did not hold and now does. */
  pushed: number;
  /** Records this store did not hold and now does. */
  pulled: number;
  /** True when the server's checkpoint did not match (a restore from an older backup): everything was pushed again and pulled from the start. */
  reset: boolean;
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new TemporalDbError('INVALID_INPUT', `Invalid input at options.limit: expected a whole number from 1 to ${MAX_PAGE}`, { path: ['options', 'limit'] });
  }
  return limit;
}

class Round {
  pushed = 0;
  pulled = 0;
  reset = false;

  constructor(
    private readonly store: Internals,
    private readonly remote: Remote,
    private readonly storeId: string,
    private readonly limit: number,
    private readonly onPage: SyncOptions['onPage'],
  ) {}

  /** Forgets both checkpoints; the next push resends everything this store holds, pulled records included. */
  async forget(): Promise<void> {
    this.reset = true;
    const until = await lastSeq(this.store.backend);
    const storeId = this.storeId;
    await this.store.writes.run((ctx) => forgetCheckpoints(ctx, storeId, until));
  }

  async push(): Promise<void> {
    const { backend, writes } = this.store;
    const storeId = this.storeId;
    const start = (await readCheckpoints(backend, storeId)).push;
    const resendUntil = start.resendUntil ?? 0;
    const pulled = pulledFrom(storeId);
    const skip = (commit: CommitRow) => commit.seq > resendUntil && pulled(commit);
    const until = await lastSeq(backend);
    for await (const page of feedPages(backend, start, { limit: this.limit, until, skip })) {
      let server = start.server;
      if (page.records.length > 0) {
        const answer = await this.remote.push(page.records);
        this.pushed += answer.added;
        server = { seq: answer.seq, offset: 0, commit: answer.commit };
        this.onPage?.({ direction: 'push', records: page.records.length, added: answer.added });
      }
      const cursor = page.cursor;
      const value: PushCheckpoint = { ...cursor, ...(cursor.seq < resendUntil ? { resendUntil } : {}), ...(server ? { server } : {}) };
      // Acknowledged: the checkpoint moves (its own commit writes only meta, so it is never pushed).
      await writes.run((ctx) => putPushCheckpoint(ctx, storeId, value));
    }
  }

  async pull(from: PageCheckpoint | undefined): Promise<void> {
    const storeId = this.storeId;
    let page: unknown[] = [];
    let header: PullHeader | undefined;
    let ended = false;
    for await (const line of this.remote.pull(from, this.limit)) {
      if (!header) {
        header = line as PullHeader;
        if (header.sync !== SYNC_PROTOCOL_VERSION) throw protocolError(this.remote.url, `pull protocol ${JSON.stringify(header.sync)}`);
        if (header.storeId !== storeId) throw protocolError(this.remote.url, 'the store answering the pull is not the one that answered info');
        continue;
      }
      const item = line as PullLine;
      if ('table' in item) {
        page.push(item);
        if (page.length > this.limit) throw protocolError(this.remote.url, `a page holds more than the ${this.limit} records asked for`);
      } else if ('checkpoint' in item) {
        const checkpoint = item.checkpoint;
        const records = page;
        page = [];
        const applied = await applyPage(this.store, records, [pullCheckpointRow(storeId, checkpoint)]);
        this.pulled += applied.added;
        if (records.length > 0) this.onPage?.({ direction: 'pull', records: records.length, added: applied.added });
      } else if ('end' in item) {
        ended = true;
      }
    }
    // A stream that ends without its end line was cut; the pages before are committed, the rest comes next round.
    if (!ended) throw new TemporalDbError('SYNC_UNAVAILABLE', `The sync server at ${this.remote.url} ended the pull before its end; sync again to resume`);
  }
}

/**
 * Runs one sync round with the temporal-db service at `url`: pushes what the
 * server lacks, pulls what this store lacks, until both are caught up. It
 * can be repeated, interrupted and resumed: nothing is added twice. Rejects
 * with `SYNC_UNAVAILABLE` (server unreachable or cut off: retry later),
 * `SYNC_UNAUTHORIZED`, `SYNC_REJECTED` or `SYNC_PROTOCOL`.
 *
 * @example
 * import { sync } from 'temporal-db/sync';
 * const { pushed, pulled } = await sync(db, 'http://127.0.0.1:4780', { token: process.env.TEMPORAL_DB_TOKEN });
 */
export async function sync(db: TemporalDb, url: string, options: SyncOptions = {}): Promise<SyncResult> {
  const store = internals(db, 'sync');
  const limit = pageLimit(options.limit);
  const remote = new Remote(url, { ...options, client: await storeIdOf(store) });
  const identity = await remote.info();
  let checkpoints = await readCheckpoints(store.backend, identity.storeId);
  const round = new Round(store, remote, identity.storeId, limit, options.onPage);
  // Both server commits the checkpoints stand on (the pull's, and the push's last answer) must still be there:
  // a restore to any point before either is a server that may lack what the checkpoints say it has.
  const marks = [checkpoints.pull, checkpoints.push.server].filter((mark) => mark !== undefined && (mark.seq > 0 || mark.offset > 0)) as PageCheckpoint[];
  const distinct = marks.filter((mark, i) => i === 0 || mark.seq !== marks[0]!.seq || mark.offset !== marks[0]!.offset);
  for (const mark of distinct) {
    if (!(await remote.info(mark)).known) {
      await round.forget();
      checkpoints = await readCheckpoints(store.backend, identity.storeId);
      break;
    }
  }
  await round.push();
  await round.pull(checkpoints.pull);
  // Local writes made while the round ran.
  await round.push();
  return { pushed: round.pushed, pulled: round.pulled, reset: round.reset };
}
