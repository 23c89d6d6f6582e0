// The sync event stream (Server-Sent Events): a poke carrying only the
// store's last commit sequence, never data (Replicache's poke), so a client
// pulls when there is something new. Comments keep idle connections open
// through proxies; the stream ends when the client goes or the server closes.
import type { Backend } from '../../core/backend.js';
import type { TemporalDb } from '../../core/temporal-db.js';
import { lastSeq } from '../../sync/feed.js';

/** Until a commit hook is there: how often the last sequence is read. */
const POLL_MS = 500;

type CommitHook = (listener: (event: { seq: number }) => void) => () => void;

export async function* syncEvents(db: TemporalDb, backend: Backend, signal: AbortSignal, keepAliveMs: number): AsyncGenerator<string> {
  let seq = await lastSeq(backend);
  let wake: (() => void) | undefined;
  let announced = -1;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  const onCommit = (db as unknown as { onCommit?: CommitHook }).onCommit;
  // db.onCommit sees this process's commits and, while listened to, those of other processes on the store.
  const stop =
    typeof onCommit === 'function'
      ? onCommit.call(db, (event) => {
          if (event.seq > seq) seq = event.seq;
          poke();
        })
      : undefined;
  const poll = stop ? undefined : setInterval(() => void lastSeq(backend).then((last) => last > seq && ((seq = last), poke()), () => undefined), POLL_MS);
  signal.addEventListener('abort', poke, { once: true });
  try {
    yield `retry: 2000\n\n`;
    while (!signal.aborted) {
      if (seq !== announced) {
        announced = seq;
        yield `data: ${JSON.stringify({ seq })}\n\n`;
        continue;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const woke = await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        timer = setTimeout(() => resolve(false), keepAliveMs);
      });
      clearTimeout(timer);
      if (!woke && !signal.aborted) yield `: keep-alive\n\n`;
    }
  } finally {
    signal.removeEventListener('abort', poke);
    stop?.();
    if (poll) clearInterval(poll);
  }
}
