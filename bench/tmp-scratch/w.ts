import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { makeWorkload } from '../workload.js';
const w = makeWorkload({ identifiers: 200, versions: 25, decisions: 40000, patterns: 10, reads: 10, seed: 1 });
for (const mode of ['put', 'txn', 'txnSync', 'put', 'txn', 'txnSync']) {
  const path = mkdtempSync(join(tmpdir(), 'w-'));
  const root = open({ path, maxDbs: 16 });
  const db = root.openDB({ name: 'd', sharedStructuresKey: Symbol.for('s') });
  const vdb = root.openDB({ name: 'v', sharedStructuresKey: Symbol.for('s') });
  let seq = 0;
  let t = performance.now();
  for (let i = 0; i < w.decisions.length; i += 1000) {
    const batch = w.decisions.slice(i, i + 1000);
    if (mode === 'put') { let p; for (const d of batch) p = db.put([d.timestamp, ++seq], d); await p; }
    else if (mode === 'txn') await root.transaction(() => { for (const d of batch) db.putSync([d.timestamp, ++seq], d); });
    else root.transactionSync(() => { for (const d of batch) db.putSync([d.timestamp, ++seq], d); });
  }
  const dps = w.decisions.length / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < w.versions.length; i += 1000) {
    const batch = w.versions.slice(i, i + 1000);
    if (mode === 'put') { let p; for (const d of batch) p = vdb.put([d.identifier, d.version], d); await p; }
    else if (mode === 'txn') await root.transaction(() => { for (const d of batch) vdb.putSync([d.identifier, d.version], d); });
    else root.transactionSync(() => { for (const d of batch) vdb.putSync([d.identifier, d.version], d); });
  }
  const vps = w.versions.length / ((performance.now() - t) / 1000);
  console.log(mode, Math.round(dps), Math.round(vps));
  await root.close();
  rmSync(path, { recursive: true, force: true });
}
