// A server store's identity for its sync clients: a uuid kept in `meta`,
// made on the first sync request. A backup restored keeps it (and loses its
// later commits: the clients see that through the commit fingerprints); a
// copy made by `temporal-db copy` or an import gets a new one, since `meta` is
// not exported, and its clients start over with it.
import { rowAt } from '../../core/tables.js';
import { newId } from '../../core/ids.js';
import type { Internals } from '../../sync/internals.js';

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
