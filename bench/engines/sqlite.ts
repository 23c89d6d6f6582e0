// Baseline: better-sqlite3 in WAL mode with prepared statements and proper indexes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent } from '../workload.js';
import { changeFor, decisionChange, nextSeq, rankPatterns, toStored, type StoredVersion } from './baseline-records.js';

const SCHEMA = `
CREATE TABLE specifications (identifier TEXT NOT NULL, version INTEGER NOT NULL, id TEXT NOT NULL, spec_type TEXT NOT NULL,
  title TEXT NOT NULL, content TEXT NOT NULL, author TEXT, status TEXT NOT NULL, tags TEXT NOT NULL, hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL, recorded_at INTEGER NOT NULL, PRIMARY KEY (identifier, version)) WITHOUT ROWID;
CREATE INDEX specifications_as_of ON specifications (identifier, timestamp, version);
CREATE TABLE changes (timestamp INTEGER NOT NULL, id TEXT NOT NULL, identifier TEXT NOT NULL, change_type TEXT NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY (timestamp, id)) WITHOUT ROWID;
CREATE TABLE decisions (timestamp INTEGER NOT NULL, id TEXT NOT NULL, identifier TEXT NOT NULL, decision_point TEXT NOT NULL,
  selected_option TEXT NOT NULL, context TEXT NOT NULL, author TEXT NOT NULL, confidence REAL NOT NULL,
  PRIMARY KEY (timestamp, id)) WITHOUT ROWID;
CREATE TABLE patterns (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX patterns_activity ON patterns (timestamp);
`;

interface SpecRow {
  identifier: string;
  version: number;
  id: string;
  spec_type: string;
  title: string;
  content: string;
  author: string;
  status: string;
  tags: string;
  hash: string;
  timestamp: number;
  recorded_at: number;
}

const toVersion = (row: SpecRow): StoredVersion => ({
  identifier: row.identifier,
  version: row.version,
  id: row.id,
  specType: row.spec_type as StoredVersion['specType'],
  title: row.title,
  content: row.content,
  author: row.author,
  status: row.status as StoredVersion['status'],
  tags: JSON.parse(row.tags) as string[],
  hash: row.hash,
  timestamp: row.timestamp,
  recordedAt: row.recorded_at,
});

export function sqliteEngine(): BenchEngine {
  let dir = '';
  let db: Database.Database;
  let statements: ReturnType<typeof prepare>;
  let now = Date.now();

  function prepare(database: Database.Database) {
    return {
      insertSpec: database.prepare(
        `INSERT INTO specifications VALUES (@identifier, @version, @id, @specType, @title, @content, @author, @status, @tags, @hash, @timestamp, @recordedAt)`,
      ),
      insertChange: database.prepare(`INSERT INTO changes VALUES (?, ?, ?, ?, ?)`),
      insertDecision: database.prepare(`INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      insertPattern: database.prepare(`INSERT INTO patterns (timestamp, body) VALUES (?, ?)`),
      version: database.prepare(`SELECT * FROM specifications WHERE identifier = ? AND version = ?`),
      latest: database.prepare(`SELECT * FROM specifications WHERE identifier = ? ORDER BY version DESC LIMIT 1`),
      asOf: database.prepare(
        `SELECT * FROM specifications WHERE identifier = ? AND timestamp <= ? ORDER BY timestamp DESC, version DESC LIMIT 1`,
      ),
      history: database.prepare(`SELECT * FROM specifications WHERE identifier = ? ORDER BY version`),
      changes: database.prepare(`SELECT body FROM changes WHERE timestamp BETWEEN ? AND ? ORDER BY timestamp, id`),
      // Aggregated in SQL, as a SQLite user would write it.
      analyze: database.prepare(
        `SELECT decision_point AS decisionPoint, COUNT(*) AS totalDecisions, SUM(confidence > 0.7) AS selectedCount,
           json_group_array(DISTINCT context) AS contexts
         FROM decisions WHERE timestamp BETWEEN ? AND ? GROUP BY decision_point`,
      ),
      patterns: database.prepare(`SELECT body FROM patterns WHERE timestamp >= ?`),
    };
  }

  function openDb(fresh: boolean) {
    db = new Database(join(dir, 'bench.sqlite'));
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it returns, like LMDB's default.
    db.pragma('synchronous = FULL');
    if (fresh) db.exec(SCHEMA);
    statements = prepare(db);
  }

  const writeVersion = (v: StoredVersion) => {
    const previousRow = v.version > 1 ? (statements.version.get(v.identifier, v.version - 1) as SpecRow | undefined) : undefined;
    statements.insertSpec.run({ ...v, tags: JSON.stringify(v.tags) });
    const seq = nextSeq();
    const change = changeFor(v, previousRow && toVersion(previousRow), seq);
    statements.insertChange.run(v.timestamp, change.id, v.identifier, change.changeType, JSON.stringify(change));
  };

  return {
    name: 'better-sqlite3',
    durability: 'WAL, synchronous=FULL (durable)',
    async create() {
      dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
      openDb(true);
    },
    async reopen() {
      db.close();
      openDb(false);
    },
    async close() {
      db.close();
    },
    async destroy() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
    setNow(value) {
      now = value;
    },
    async ingestSpecs(batch) {
      const stored = await Promise.all(batch.map(toStored));
      db.transaction(() => stored.forEach(writeVersion))();
    },
    async storeOne(version) {
      const stored = await toStored(version);
      db.transaction(() => writeVersion(stored))();
    },
    async ingestDecisions(batch: DecisionEvent[]) {
      db.transaction(() => {
        for (const d of batch) {
          const seq = nextSeq();
          statements.insertDecision.run(d.timestamp, `d${seq}`, d.identifier, d.decisionPoint, d.selectedOption, d.context, d.author, d.confidence);
          statements.insertChange.run(d.timestamp, `d${seq}`, d.identifier, 'Decision', JSON.stringify(decisionChange(d, seq)));
        }
      })();
    },
    async ingestPatterns(batch) {
      db.transaction(() => batch.forEach((p) => statements.insertPattern.run(p.timestamp, JSON.stringify(p))))();
    },
    async latest(identifier) {
      const row = statements.latest.get(identifier) as SpecRow | undefined;
      return digest.version(row && toVersion(row));
    },
    async asOf(identifier, instant) {
      const row = statements.asOf.get(identifier, instant) as SpecRow | undefined;
      return digest.version(row && toVersion(row));
    },
    async history(identifier) {
      return digest.history((statements.history.all(identifier) as SpecRow[]).map(toVersion));
    },
    async changes(since, until) {
      const rows = (statements.changes.all(since, until) as Array<{ body: string }>).map((r) => JSON.parse(r.body));
      return digest.changes(rows);
    },
    async analyze(days) {
      const rows = statements.analyze.all(now - days * DAY, now) as Array<{
        decisionPoint: string;
        totalDecisions: number;
        selectedCount: number;
        contexts: string;
      }>;
      return digest.analysis(rows.map((r) => ({ ...r, contexts: JSON.parse(r.contexts) as string[] })));
    },
    async similar(context, threshold, lookbackDays) {
      const candidates = (statements.patterns.all(now - lookbackDays * DAY) as Array<{ body: string }>).map(
        (r) => JSON.parse(r.body) as { patternName: string; patternDefinition: { intent: string }; examples: string[] },
      );
      return rankPatterns(candidates, context, threshold);
    },
  };
}
