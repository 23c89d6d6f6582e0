// Runs in headless Chromium for the cross-tab live-query latency
// (bench/sync-live.ts): each page opens the same IndexedDB database; one
// watches an identifier, the other (or the same page, for the reference
// line) writes it. The listener measures from the writer's time written in
// the version (performance.timeOrigin + performance.now() of the writing
// page: pages of one browser share that clock).
import type { TemporalDb } from '../src/core/temporal-db.js';
import { openTemporalDb } from '../src/indexeddb.js';
import { watch } from '../src/live.js';

declare global {
  interface Window {
    liveReport(version: number, latencyMs: number): void;
    liveOpen(name: string): Promise<void>;
    liveWatch(identifier: string): Promise<void>;
    liveWrite(identifier: string): Promise<number>;
  }
}

const clock = () => performance.timeOrigin + performance.now();
let db: TemporalDb;

window.liveOpen = async (name) => {
  db = await openTemporalDb({ name });
};

window.liveWatch = (identifier) =>
  new Promise<void>((resolve) => {
    let ready = false;
    watch(db, { latest: identifier }, (spec) => {
      const heard = clock();
      if (!ready) {
        ready = true;
        resolve();
        return;
      }
      if (spec) window.liveReport(spec.version, heard - Number(spec.content));
    });
  });

window.liveWrite = async (identifier) => {
  const spec = await db.storeSpecification({ specType: 'ADR', identifier, title: 'live', content: String(clock()) });
  return spec.version;
};
