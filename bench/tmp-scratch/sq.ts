import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeWorkload, makeQueries } from '../workload.js';
const w = makeWorkload({ identifiers: 300, versions: 50, decisions: 10, patterns: 10, reads: 20000, seed: 1 });
const q = makeQueries(w);
const layouts = {
  worowid: `CREATE TABLE v (identifier TEXT NOT NULL, version INTEGER NOT NULL, title TEXT, content TEXT, author TEXT, status TEXT, tags TEXT, timestamp INTEGER, PRIMARY KEY (identifier, version)) WITHOUT ROWID; CREATE INDEX v_asof ON v (identifier, timestamp);`,
  rowid: `CREATE TABLE v (id INTEGER PRIMARY KEY, identifier TEXT NOT NULL, version INTEGER NOT NULL, title TEXT, content TEXT, author TEXT, status TEXT, tags TEXT, timestamp INTEGER); CREATE UNIQUE INDEX v_key ON v (identifier, version); CREATE INDEX v_asof ON v (identifier, timestamp, version);`,
};
for (const [name, schema] of [...Object.entries(layouts), ...Object.entries(layouts)]) {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'sq-')), 'x.db'));
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
  db.exec(schema);
  const ins = db.prepare('INSERT INTO v (identifier, version, title, content, author, status, tags, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  let t = performance.now();
  db.transaction(() => { for (const v of w.versions) ins.run(v.identifier, v.version, v.title, v.content, v.author, v.status, JSON.stringify(v.tags), v.timestamp); })();
  const ing = w.versions.length / ((performance.now() - t) / 1000);
  const latest = db.prepare('SELECT identifier, version, title, content, author, status, tags, timestamp FROM v WHERE identifier = ? ORDER BY version DESC LIMIT 1');
  const asof = db.prepare('SELECT identifier, version, title, content, author, status, tags, timestamp FROM v WHERE identifier = ? AND timestamp <= ? ORDER BY timestamp DESC, version DESC LIMIT 1');
  t = performance.now();
  for (const id of q.latest) latest.get(id);
  const l = q.latest.length / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const [id, at] of q.asOf) asof.get(id, at);
  const a = q.asOf.length / ((performance.now() - t) / 1000);
  console.log(name, Math.round(ing), Math.round(l), Math.round(a));
}
