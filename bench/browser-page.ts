// Runs in headless Chromium: the library on IndexedDB against raw idb and Dexie.
import { openTemporalDb } from '../src/indexeddb.js';
import { usageTracker } from './engines/browser-usage.js';
import { dexieEngine } from './engines/dexie.js';
import { libraryEngine } from './engines/library.js';
import { rawIdbEngine } from './engines/raw-idb.js';
import { runBenchmark, type HarnessOptions } from './harness.js';
import { makeWorkload, type WorkloadSize } from './workload.js';

declare global {
  interface Window {
    benchLog(line: string): void;
    runBench(options: { size: WorkloadSize } & Omit<HarnessOptions, 'log'>): Promise<unknown>;
  }
}

let counter = 0;

window.runBench = async (options) => {
  const workload = makeWorkload(options.size);
  const usage = usageTracker();
  const engine = libraryEngine('temporal-db', "one transaction per write call, durability 'strict' (the library's default)", () => {
    const name = `bench-temporal-db-${Date.now()}-${counter++}`;
    return {
      open: (clock) => openTemporalDb({ name, clock }),
      destroy: () =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = request.onerror = request.onblocked = () => resolve();
        }),
    };
  });
  const library = {
    ...engine,
    async create() {
      await usage.start();
      await engine.create();
    },
    diskBytes: () => usage.bytes(),
  };
  const engines = [library, rawIdbEngine(), dexieEngine()];
  const results = await runBenchmark(workload, engines, { ...options, log: (line) => window.benchLog(line) });
  return {
    userAgent: navigator.userAgent,
    engines: engines.map((e) => ({ name: e.name, durability: e.durability })),
    results,
  };
};
