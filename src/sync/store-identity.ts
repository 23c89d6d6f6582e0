// A store's identity in sync: a uuid kept in `meta`, made on its first sync.
// A server's tells its clients which checkpoints apply; a client's tells the
// server which of its commits came from that client (not sent back to it).
// A backup restored keeps it (and loses its later commits: the clients see
// that through the commit fingerprints); a copy made by `temporal-db copy` or
// an import gets a new one, since `meta` is not exported, and its clients
// start over with it.
import { rowAt } from '../core/tables.js';
import { newId } from '../core/ids.js';
import type { Internals } from '../core/internals.js';

/** What a store id looks like on the wire (a uuid). */
export const STORE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const known = new WeakMap<object, Promise<string>>();

export function storeIdOf(store: Internals): Promise<string> {
  let id = known.get(store.backend);
  if (!id) {
    id = (async () => {
      const stored = (await rowAt(store.backend, 'meta', ['storeId']))?.value;
      if (typeof stored === 'string') return stored;
      // Under the write lock: several service instances on one PostgreSQL store agree on one id.
      return store.writes.run(function* (ctx) {
        const row = yield* ctx.get('meta', ['storeId']);
        if (typeof row?.value === 'string') return row.value;
        const made = newId();
        ctx.put('meta', { name: 'storeId', value: made });
        return made;
      });
    })();
    id.catch(() => known.delete(store.backend));
    known.set(store.backend, id);
  }
  return id;
}
