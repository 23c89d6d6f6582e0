// Baseline: better-sqlite3 written lean: WAL, prepared statements, one transaction per batch,
// versions clustered by (identifier, version) with one covering as-of index, the change log and
// decision log clustered by time, and the analysis as one GROUP BY.
// (Measured: a WITHOUT ROWID versions table read latest versions 2x to 3x slower.)
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchEngine } from '../harness.js';
import { DAY, digest, type DecisionEvent, type PatternSeed } from '../workload.js';
import { changeFor, nextSeq, rankPatterns, specWriters, type StoredVersion } from './baseline-records.js';

// Versions (about 1 KB each) in a rowid table, where SQLite keeps large rows best, reached through the
// natural key (identifier, version) and one as-of index (identifier, timestamp, version). The small
// change and decision rows are WITHOUT ROWID tables clustered on (timestamp, seq): a window is one range.
const SCHEMA = `
CREATE TABLE versions (row INTEGER PRIMARY KEY, identifier TEXT NOT NULL, version INTEGER NOT NULL, id TEXT NOT NULL,
  spec_type TEXT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL, author TEXT, status TEXT NOT NULL, tags TEXT NOT NULL,
  hash TEXT NOT NULL, timestamp INTEGER NOT NULL, recorded_at INTEGER NOT NULL);
CREATE UNIQUE INDEX versions_key ON versions (identifier, version);
CREATE INDEX versions_as_of ON versions (identifier, timestamp, version);
CREATE TABLE changes (timestamp INTEGER NOT NULL, seq INTEGER NOT NULL, change_type TEXT NOT NULL, identifier TEXT NOT NULL,
  version INTEGER NOT NULL, author TEXT, PRIMARY KEY (timestamp, seq)) WITHOUT ROWID;
CREATE TABLE decisions (timestamp INTEGER NOT NULL, seq INTEGER NOT NULL, identifier TEXT NOT NULL, decision_point TEXT NOT NULL,
  selected_option TEXT NOT NULL, context TEXT NOT NULL, author TEXT NOT NULL, confidence REAL NOT NULL,
  PRIMARY KEY (timestamp, seq)) WITHOUT ROWID;
CREATE TABLE patterns (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX patterns_activity ON patterns (timestamp);
`;

const VERSION_COLUMNS = `identifier, version, id, spec_type AS specType, title, content, author, status, tags, hash,
  timestamp, recorded_at AS recordedAt`;

export const SQLITE_DURABILITY =
  'WAL, synchronous=NORMAL: a commit is in the WAL when it returns and fsynced at the next checkpoint; ' +
  "a process crash loses nothing, a machine crash can lose the last commits but never corrupts (lmdb-js's overlappingSync guarantee)";

type VersionRow = Omit<StoredVersion, 'tags'> & { tags: string };
const toVersion = (row: VersionRow | undefined): StoredVersion | undefined => row && { ...row, tags: JSON.parse(row.tags) as string[] };

export function sqliteEngine(): BenchEngine {
  let dir = '';
  let db: Database.Database;
  let statements: ReturnType<typeof prepare>;
  let now = Date.now();

  function prepare(database: Database.Database) {
    const insertVersion = database.prepare(
      `INSERT INTO versions (identifier, version, id, spec_type, title, content, author, status, tags, hash, timestamp, recorded_at)
       VALUES (@identifier, @version, @id, @specType, @title, @content, @author, @status, @tags, @hash, @timestamp, @recordedAt)`,
    );
    const insertChange = database.prepare(`INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?)`);
    const insertDecision = database.prepare(`INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertPattern = database.prepare(`INSERT INTO patterns (timestamp, body) VALUES (?, ?)`);
    return {
      writeVersions: database.transaction((stored: StoredVersion[]) => {
        for (const v of stored) {
          insertVersion.run({ ...v, tags: JSON.stringify(v.tags) });
          const c = changeFor(v);
          insertChange.run(c.timestamp, nextSeq(), c.changeType, c.identifier, c.version, c.author);
        }
      }),
      writeDecisions: database.transaction((batch: DecisionEvent[]) => {
        for (const d of batch) {
          insertDecision.run(d.timestamp, nextSeq(), d.identifier, d.decisionPoint, d.selectedOption, d.context, d.author, d.confidence);
        }
      }),
      writePatterns: database.transaction((batch: PatternSeed[]) => {
        for (const p of batch) insertPattern.run(p.timestamp, JSON.stringify(p));
      }),
      latest: database.prepare(`SELECT ${VERSION_COLUMNS} FROM versions WHERE identifier = ? ORDER BY version DESC LIMIT 1`),
      asOf: database.prepare(
        `SELECT ${VERSION_COLUMNS} FROM versions INDEXED BY versions_as_of WHERE identifier = ? AND timestamp <= ?
         ORDER BY timestamp DESC, version DESC LIMIT 1`,
      ),
      history: database.prepare(`SELECT ${VERSION_COLUMNS} FROM versions WHERE identifier = ? ORDER BY version`),
      // The decision log is the change log of decisions.
      changes: database.prepare(
        `SELECT timestamp, change_type AS changeType, identifier, version, author FROM changes WHERE timestamp BETWEEN @since AND @until
         UNION ALL
         SELECT timestamp, 'Decision', identifier, 0, author FROM decisions WHERE timestamp BETWEEN @since AND @until
         ORDER BY timestamp`,
      ),
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
    db.pragma('synchronous = NORMAL');
    if (fresh) db.exec(SCHEMA);
    statements = prepare(db);
  }

  return {
    name: 'better-sqlite3',
    durability: SQLITE_DURABILITY,
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
    async diskBytes() {
      // After a checkpoint the WAL is folded into the database file and truncated.
      db.pragma('wal_checkpoint(TRUNCATE)');
      const file = join(dir, 'bench.sqlite');
      return [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
    },
    setNow(value) {
      now = value;
    },
    ...specWriters((stored) => statements.writeVersions(stored)),
    async ingestDecisions(batch) {
      statements.writeDecisions(batch);
    },
    async ingestPatterns(batch) {
      statements.writePatterns(batch);
    },
    async latest(identifier) {
      return digest.version(toVersion(statements.latest.get(identifier) as VersionRow | undefined));
    },
    async asOf(identifier, instant) {
      return digest.version(toVersion(statements.asOf.get(identifier, instant) as VersionRow | undefined));
    },
    async history(identifier) {
      return digest.history((statements.history.all(identifier) as VersionRow[]).map((r) => toVersion(r)!));
    },
    async changes(since, until) {
      return digest.changes(statements.changes.all({ since, until }) as Array<{ identifier: string; changeType: string; timestamp: number }>);
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
