// What IndexedDB takes on disk as Chromium reports it: the origin's IndexedDB usage
// (navigator.storage.estimate), read before a store is created and after its ingest.
interface Estimate extends StorageEstimate {
  usageDetails?: { indexedDB?: number };
}

/** Bytes the origin's IndexedDB databases take, or its whole usage where the browser gives no breakdown. */
export async function indexedDbUsage(): Promise<number> {
  const estimate = (await navigator.storage.estimate()) as Estimate;
  return estimate.usageDetails?.indexedDB ?? estimate.usage ?? 0;
}

/** Tracks one store's usage: `start()` when it is created, `bytes()` for the growth since. */
export function usageTracker() {
  let before = 0;
  return {
    async start() {
      before = await indexedDbUsage();
    },
    async bytes() {
      return (await indexedDbUsage()) - before;
    },
  };
}
