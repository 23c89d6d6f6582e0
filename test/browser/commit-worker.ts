// Another tab's writer: its own IndexedDB connection and event loop; reports the sequence numbers it committed.
import { openTemporalDb } from '../../src/indexeddb.js';

self.onmessage = async (event: MessageEvent<{ name: string; writes: number }>) => {
  const { name, writes } = event.data;
  const db = await openTemporalDb({ name });
  const seqs: number[] = [];
  db.onCommit(({ seq, local }) => local && seqs.push(seq));
  for (let i = 0; i < writes; i++) await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-WORKER', title: 't', content: `w${i}` });
  await db.close();
  self.postMessage(seqs);
};
