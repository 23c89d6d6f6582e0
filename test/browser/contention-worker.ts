// A writer with its own IndexedDB connection and event loop, as another tab would have.
import { openTemporalDb } from '../../src/indexeddb.js';

self.onmessage = async (event: MessageEvent<{ name: string; writer: string; writes: number }>) => {
  const { name, writer, writes } = event.data;
  const db = await openTemporalDb({ name });
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < writes; i++) {
        await db
          .storeSpecification({ specType: 'ADR', identifier: 'ADR-HOT', title: 't', content: `${writer}-${w}-${i}` })
          .catch((error: { code?: string }) => failures.push(error.code ?? String(error)));
      }
    }),
  );
  await db.close();
  self.postMessage(failures);
};
