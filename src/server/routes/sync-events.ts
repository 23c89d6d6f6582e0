// The sync event stream (Server-Sent Events): a poke carrying only the
// store's last commit sequence, never data (Replicache's poke), so a client
// pulls when there is something new. Comments keep idle connections open
// through proxies; the stream ends when the client goes or the server closes.
import type { Backend } from '../../core/backend.js';
import type { TemporalDb } from '../../core/temporal-db.js';
import { lastSeq } from '../../sync/feed.js';

export async function* syncEvents(db: TemporalDb, backend: Backend, signal: AbortSignal, keepAliveMs: number): AsyncGenerator<string> {
  let seq = 0;
  let wake: (() => void) | undefined;
  let announced = -1;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  // db.onCommit sees this process's commits and, while listened to, those of other processes and service instances on the store.
  const stop = db.onCommit((event) => {
    if (event.seq > seq) seq = event.seq;
    poke();
  });
  signal.addEventListener('abort', poke, { once: true });
  try {
    // Read after subscribing, so that no commit falls between the two.
    seq = Math.max(seq, await lastSeq(backend));
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
    stop();
  }
}
