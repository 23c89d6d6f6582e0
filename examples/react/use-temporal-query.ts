// A React hook over temporal-db's live queries: copy this file into your app. The package itself
// has no React dependency; this is all it takes (React 18 or later).
import { useMemo, useSyncExternalStore } from 'react';
import type { TemporalDb } from 'temporal-db';
import { watch, type WatchOptions, type WatchQuery, type WatchResult } from 'temporal-db/live';

/** A query's result as a component renders it, or `undefined` until the first result is read. */
type Live<Q extends WatchQuery> = WatchResult<Q> | undefined;

/**
 * The live result of `query`: the component renders again each time a commit
 * (here, in another tab, or by sync) changes it. The watch starts with the
 * first subscriber and stops when the last one unmounts. A query is compared
 * by its JSON, so an object literal written inline does not restart it.
 *
 * @example
 * function Adr({ db }: { db: TemporalDb }) {
 *   const adr = useTemporalQuery(db, { latest: 'ADR-001' });
 *   return <h1>{adr ? `${adr.title} (v${adr.version})` : '...'}</h1>;
 * }
 */
export function useTemporalQuery<Q extends WatchQuery>(db: TemporalDb, query: Q, onError?: WatchOptions['onError']): Live<Q> {
  const key = JSON.stringify(query);
  const store = useMemo(() => {
    let result: Live<Q>;
    return {
      subscribe(changed: () => void) {
        return watch(
          db,
          JSON.parse(key) as Q,
          (next) => {
            result = next;
            changed();
          },
          onError ? { onError } : {},
        );
      },
      // The same value until the next result: what useSyncExternalStore needs to render only on change.
      snapshot: () => result,
    };
    // onError is read when the watch starts; a new function each render does not restart it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, key]);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}
