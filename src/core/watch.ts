import * as z from 'zod/mini';
import { reportLater, type CommitFeed } from './commit-events.js';
import { TemporalDbError } from './errors.js';
import { parseInput } from './fields.js';
import type { KeyPart } from './key-codec.js';
import { asOfSchema, changesQuerySchema, listSpecificationsSchema, specificationInputSchema } from './schemas.js';
import { identifierKey } from './specifications.js';
import type { TemporalDb } from './temporal-db.js';
import type { ChangeRecord, ChangesQuery, Instant, ListSpecificationsOptions, Specification } from './types.js';

/**
 * What `watch` follows: the latest version of an identifier (or the one
 * current as of an instant), an identifier's history, the list of current
 * specifications (`listSpecifications` options), or the change log
 * (`getChanges` filters).
 *
 * @example
 * watch(db, { latest: 'ADR-001' }, (adr) => render(adr));
 * watch(db, { list: { specType: 'ADR' } }, (adrs) => render(adrs));
 * watch(db, { changes: { since: Date.now() } }, (changes) => render(changes));
 */
export type WatchQuery =
  | { latest: string; asOf?: Instant }
  | { history: string }
  | { list: ListSpecificationsOptions }
  | { changes: ChangesQuery };

/** What a watch of query `Q` delivers: what the matching read method answers. */
export type WatchResult<Q extends WatchQuery> = Q extends { latest: string }
  ? Specification | undefined
  : Q extends { changes: ChangesQuery }
    ? ChangeRecord[]
    : Specification[];

export interface WatchOptions {
  /** Stops the watch when aborted (an iterator then ends). */
  signal?: AbortSignal;
  /**
   * Hears a read that failed and a listener that threw; the watch goes on.
   * Without it such an error is rethrown outside the dispatch (as an
   * EventTarget listener's is), and in the `for await` form a failed read
   * ends the loop with that error.
   */
  onError?: (error: unknown) => void;
}

const QUERIES = {
  latest: z.object({ latest: specificationInputSchema.shape.identifier, asOf: asOfSchema.shape.asOf }),
  history: z.object({ history: specificationInputSchema.shape.identifier }),
  list: z.object({ list: listSpecificationsSchema }),
  changes: z.object({ changes: changesQuerySchema }),
};
type Kind = keyof typeof QUERIES;

/** How a query is read, and which written keys (`[table, ...key]`) can change its answer. */
function compile(db: TemporalDb, query: unknown): { read: () => Promise<unknown>; touched: (key: KeyPart[]) => boolean } {
  const kinds = typeof query === 'object' && query !== null ? (Object.keys(QUERIES) as Kind[]).filter((kind) => kind in query) : [];
  if (kinds.length !== 1) {
    throw new TemporalDbError('INVALID_INPUT', 'A watch query has one of latest, history, list or changes', { path: ['query'] });
  }
  const parsed = parseInput(QUERIES[kinds[0]!], query, ['query']) as Partial<Record<'latest' | 'history', string>> & {
    list?: ListSpecificationsOptions;
    changes?: ChangesQuery;
  };
  const versions = (key: KeyPart[]) => key[0] === 'specifications' || key[0] === 'heads';
  if (parsed.changes) return { read: () => db.getChanges(parsed.changes), touched: (key) => key[0] === 'changes' };
  if (parsed.list) return { read: () => db.listSpecifications(parsed.list), touched: versions };
  const identifier = (parsed.latest ?? parsed.history)!;
  const ik = identifierKey(identifier);
  return {
    read: () => (parsed.history ? db.getSpecificationHistory(identifier) : db.getSpecification(identifier, parsed as { asOf?: number })),
    touched: (key) => versions(key) && key[1] === ik,
  };
}

/**
 * Runs `query`, hands its result to `listener`, and runs it again after each
 * commit that wrote a key it reads (from this handle or elsewhere), handing
 * on the result only when it differs from the last one. One run at a time:
 * commits that arrive during a run cause one more run after it, so results
 * come in commit order. Returns the function that stops it.
 */
function observe(db: TemporalDb, feed: CommitFeed, query: unknown, listener: (result: unknown) => void, onError: (error: unknown) => void): () => void {
  const { read, touched } = compile(db, query);
  let stopped = false;
  let running = true;
  let again = false;
  let last: string | undefined;
  const report = (error: unknown) => {
    try {
      onError(error);
    } catch (thrown) {
      reportLater(thrown);
    }
  };
  const run = async () => {
    running = true;
    do {
      again = false;
      try {
        const result = await read();
        // Results are plain data read afresh each time: equal JSON, equal result.
        const text = JSON.stringify(result) ?? '';
        if (stopped || text === last) continue;
        last = text;
        listener(result);
      } catch (error) {
        if (!stopped) report(error);
      }
    } while (again && !stopped);
    running = false;
  };
  const unsubscribe = feed.subscribe(({ writes }) => {
    if (stopped || !writes.some(touched)) return;
    if (running) again = true;
    else void run();
  });
  const stop = () => {
    stopped = true;
    unsubscribe();
  };
  // Commits made elsewhere are heard from the baseline on, so the first run starts after it.
  void feed.pumping.then(run);
  void feed.closed.then(stop);
  return stop;
}

/**
 * A live query: hands `listener` the current result of `query`, then the new
 * one each time a commit changes it (made by this handle, in another tab or
 * process, or by an import or sync). Returns the function that stops it.
 * Without a listener, an async iterator of the results (`return()`, or
 * leaving the `for await` loop, stops it; a slow consumer gets the latest
 * result, never one out of order). A bad query is `INVALID_INPUT` with its
 * path under `query`. In its own entry, so that the browser root stays small.
 *
 * @example
 * import { watch } from 'temporal-db/live';
 * const stop = watch(db, { latest: 'ADR-001' }, (adr) => console.log(adr?.version));
 * for await (const adrs of watch(db, { list: { specType: 'ADR' } })) console.log(adrs.length);
 */
export function watch<Q extends WatchQuery>(db: TemporalDb, query: Q, listener: (result: WatchResult<Q>) => void, options?: WatchOptions): () => void;
export function watch<Q extends WatchQuery>(db: TemporalDb, query: Q, options?: WatchOptions): AsyncIterableIterator<WatchResult<Q>>;
export function watch(
  db: TemporalDb,
  query: WatchQuery,
  listener?: ((result: never) => void) | WatchOptions,
  options?: WatchOptions,
): (() => void) | AsyncIterableIterator<unknown> {
  // The handle's commit feed: what db.onCommit subscribes to, with the baseline a first run waits for.
  const feed = (db as unknown as { feed?: CommitFeed } | undefined)?.feed;
  if (!feed) throw new TemporalDbError('INVALID_INPUT', 'watch takes a TemporalDb first', { path: ['db'] });
  if (db.closed) throw new TemporalDbError('DATABASE_CLOSED', 'The temporal database is closed; open it again');
  if (typeof listener !== 'function') return iterate(db, feed, query, listener ?? {});
  const { signal, onError = reportLater } = options ?? {};
  const stop = observe(db, feed, query, listener as (result: unknown) => void, onError);
  const end = () => {
    stop();
    signal?.removeEventListener('abort', end);
  };
  if (signal?.aborted) end();
  else signal?.addEventListener('abort', end);
  return end;
}

function iterate(db: TemporalDb, feed: CommitFeed, query: unknown, { signal, onError }: WatchOptions): AsyncIterableIterator<unknown> {
  let latest: { value: unknown } | undefined;
  let failure: { error: unknown } | undefined;
  let done = false;
  let wake: (() => void) | undefined;
  const end = () => {
    done = true;
    stop();
    signal?.removeEventListener('abort', end);
    wake?.();
  };
  const stop = observe(
    db,
    feed,
    query,
    (value) => {
      latest = { value };
      wake?.();
    },
    (error) => {
      if (onError) return onError(error);
      failure = { error };
      end();
    },
  );
  void feed.closed.then(end);
  if (signal?.aborted) end();
  else signal?.addEventListener('abort', end);
  const iterator: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      while (!latest && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (latest) {
        const { value } = latest;
        latest = undefined;
        return { value, done: false };
      }
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
      return { value: undefined, done: true };
    },
    async return() {
      end();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}
