// The `temporal-db` command line. Data goes to stdout, messages and progress
// to stderr (progress only when stderr is a terminal). Exit codes: 0 success,
// 1 an error, 2 bad usage.
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { stat, readdir } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openTemporalDb } from '../backends/lmdb/open.js';
import { DEFAULT_STORE_DIRECTORY } from '../backends/lmdb/open.js';
import { isTemporalDbError, type TemporalDb } from '../index.js';
import { importAdrDirectory } from '../adr/import-adr-directory.js';
import { importLegacy, LEGACY_KINDS, type LegacyKind } from '../migrate/import-legacy.js';
import { formatChange, formatSpecification, formatTime } from './format.js';
import packageJson from '../../package.json' with { type: 'json' };

class UsageError extends Error {}

interface Command {
  summary: string;
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean'; description: string }>;
  run(withDb: <T>(use: (db: TemporalDb) => Promise<T>) => Promise<T>, args: string[], flags: Record<string, string | boolean | undefined>, out: Output): Promise<void>;
}

interface Output {
  json: boolean;
  data(value: unknown, human: () => string): void;
  message(text: string): void;
  progress(text: string): void;
}

const GLOBAL_OPTIONS = {
  db: { type: 'string', description: `store directory (default ./${DEFAULT_STORE_DIRECTORY})` },
  json: { type: 'boolean', description: 'print JSON for scripts' },
  help: { type: 'boolean', description: 'show help' },
} as const;

function instant(value: string | boolean | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new UsageError(`--${name} takes an ISO 8601 date or time`);
  return value;
}

function positiveNumber(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number`);
  return n;
}

async function readInput(file: string | undefined): Promise<string> {
  if (file && file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonInput(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directorySize(path) : (await stat(path)).size;
  }
  return total;
}

/** A command that reads one JSON input (a file or stdin) and writes it through the API. */
function jsonInputCommand(
  name: string,
  summary: string,
  what: string,
  write: (db: TemporalDb, input: unknown) => Promise<[unknown, string]>,
): Command {
  return {
    summary: `${summary} read as JSON from a file or stdin`,
    usage: `temporal-db ${name} [--file <input.json>] [--db <path>] [--json]`,
    options: { file: { type: 'string', description: 'JSON input (default: stdin)' } },
    async run(withDb, _args, flags, out) {
      const input = parseJsonInput(await readInput(flags.file as string | undefined), what);
      await withDb(async (db) => {
        const [data, human] = await write(db, input);
        out.data(data, () => human);
      });
    },
  };
}

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'create the store (or open an existing one)',
    usage: 'temporal-db init [--db <path>]',
    async run(withDb, _args, flags, out) {
      await withDb(async () => undefined);
      const path = resolve(String(flags.db ?? DEFAULT_STORE_DIRECTORY));
      out.data({ path }, () => `Store ready at ${path}`);
    },
  },
  status: {
    summary: 'counts, size on disk and the last change',
    usage: 'temporal-db status [--db <path>] [--json]',
    async run(withDb, _args, flags, out) {
      const path = resolve(String(flags.db ?? DEFAULT_STORE_DIRECTORY));
      const [stats, [last]] = await withDb((db) => Promise.all([db.statistics(), db.getChanges({ newestFirst: true, limit: 1 })]));
      const status = { path, sizeBytes: await directorySize(path), ...stats, lastChange: last ?? null };
      out.data(status, () =>
        [
          `Store:           ${path}`,
          `Size on disk:    ${(status.sizeBytes / 1024 / 1024).toFixed(1)} MiB`,
          `Specifications:  ${stats.specifications} (${stats.deletedSpecifications} deleted), ${stats.versions} versions`,
          `Patterns:        ${stats.patterns} (${stats.patternVersions} versions)`,
          `Changes:         ${stats.changes} (${stats.decisions} decisions)`,
          `Last change:     ${last ? formatChange(last) : 'none'}`,
        ].join('\n'),
      );
    },
  },
  store: jsonInputCommand('store', 'store a specification version', 'the specification', async (db, input) => {
    const stored = await db.storeSpecification(input as never);
    return [stored, `Stored ${stored.identifier} version ${stored.version}`];
  }),
  decide: jsonInputCommand('decide', 'record a decision', 'the decision', async (db, input) => {
    const change = await db.recordDecision(input as never);
    return [change, `Recorded decision ${change.decision?.decisionPoint} = ${change.decision?.selectedOption} on ${change.identifier}`];
  }),
  show: {
    summary: 'one version of a specification: latest, --version n or --as-of <time>',
    usage: 'temporal-db show <identifier> [--version <n>] [--as-of <time>] [--db <path>] [--json]',
    options: {
      version: { type: 'string', description: 'version number' },
      'as-of': { type: 'string', description: 'ISO 8601 instant' },
    },
    async run(withDb, args, flags, out) {
      const identifier = args[0];
      if (!identifier) throw new UsageError('show needs an identifier');
      const version = positiveNumber(flags.version, 'version');
      const asOf = instant(flags['as-of'], 'as-of');
      if (version !== undefined && asOf !== undefined) throw new UsageError('give --version or --as-of, not both');
      const spec = await withDb((db) =>
        db.getSpecification(identifier, version !== undefined ? { version } : asOf !== undefined ? { asOf } : {}),
      );
      if (!spec) throw new NotFound(`No version of "${identifier}" ${asOf ? `as of ${asOf}` : version ? `numbered ${version}` : 'exists (or it is deleted)'}; try: temporal-db history ${identifier}`);
      out.data(spec, () => formatSpecification(spec));
    },
  },
  history: {
    summary: 'every version of a specification, oldest first',
    usage: 'temporal-db history <identifier> [--db <path>] [--json]',
    async run(withDb, args, _flags, out) {
      const identifier = args[0];
      if (!identifier) throw new UsageError('history needs an identifier');
      const versions = await withDb((db) => db.getSpecificationHistory(identifier));
      out.data(versions, () =>
        versions.length === 0
          ? `No versions of "${identifier}"`
          : versions.map((v) => `v${v.version}  ${formatTime(v.timestamp)}  ${v.status.padEnd(10)} ${v.title}${v.author ? `  (${v.author})` : ''}`).join('\n'),
      );
    },
  },
  changes: {
    summary: 'the change log, in time order',
    usage: 'temporal-db changes [--spec <id>] [--type <Create|Update|Delete|Decision>] [--since <time>] [--until <time>] [--limit <n>] [--json]',
    options: {
      spec: { type: 'string', description: 'a specId or version id' },
      type: { type: 'string', description: 'Create, Update, Delete or Decision' },
      since: { type: 'string', description: 'ISO 8601 instant (inclusive)' },
      until: { type: 'string', description: 'ISO 8601 instant (inclusive)' },
      limit: { type: 'string', description: 'at most this many' },
    },
    async run(withDb, _args, flags, out) {
      const query = {
        ...(flags.spec ? { specId: String(flags.spec) } : {}),
        ...(flags.type ? { changeType: String(flags.type) } : {}),
        ...(flags.since ? { since: instant(flags.since, 'since') } : {}),
        ...(flags.until ? { until: instant(flags.until, 'until') } : {}),
        ...(flags.limit ? { limit: positiveNumber(flags.limit, 'limit') } : {}),
      };
      const changes = await withDb((db) => db.getChanges(query as never));
      out.data(changes, () => (changes.length === 0 ? 'No changes' : changes.map(formatChange).join('\n')));
    },
  },
  analyze: {
    summary: 'decision patterns over the last days',
    usage: 'temporal-db analyze [--lookback <days>] [--db <path>] [--json]',
    options: { lookback: { type: 'string', description: 'days to look back (default 30)' } },
    async run(withDb, _args, flags, out) {
      const days = positiveNumber(flags.lookback, 'lookback') ?? 30;
      const analysis = await withDb((db) => db.analyzeDecisionPatterns(days));
      out.data(analysis, () =>
        analysis.length === 0
          ? `No decisions in the last ${days} days`
          : analysis
              .map((a) => `${a.decisionPoint} (${a.specType}): ${a.totalDecisions} decisions, ${a.selectedCount} with confidence > 0.7; ${JSON.stringify(a.options)}`)
              .join('\n'),
      );
    },
  },
  recommend: {
    summary: 'pattern recommendations from the decision history, with feedback (JSON, like export_recommendations.py)',
    usage:
      'temporal-db recommend [--lookback 45] [--limit 10] [--retention 90] [--min-confidence 0.55] [--dry-run] ' +
      '[--feedback-action accept|dismiss --feedback-id ID --feedback-reason TEXT] [--db <path>]',
    options: {
      lookback: { type: 'string', description: 'days of decisions to learn from (default 45)' },
      limit: { type: 'string', description: 'stored recommendations to list (default 10)' },
      retention: { type: 'string', description: 'days a recommendation lives (default 90)' },
      'min-confidence': { type: 'string', description: 'minimum confidence (default 0.55, clamped to 0.3..0.95)' },
      'max-recommendations': { type: 'string', description: 'at most this many new ones (default 5)' },
      'dry-run': { type: 'boolean', description: 'compute without writing' },
      'feedback-action': { type: 'string', description: 'accept or dismiss' },
      'feedback-id': { type: 'string', description: 'the recommendation the feedback is about' },
      'feedback-reason': { type: 'string', description: 'why' },
    },
    async run(withDb, _args, flags, out) {
      const action = flags['feedback-action'];
      const id = flags['feedback-id'];
      if ((action === undefined) !== (id === undefined)) throw new UsageError('--feedback-action and --feedback-id go together');
      if (action !== undefined && action !== 'accept' && action !== 'dismiss') throw new UsageError('--feedback-action is accept or dismiss');
      const minimum = flags['min-confidence'] === undefined ? undefined : Number(flags['min-confidence']);
      if (minimum !== undefined && !(minimum >= 0 && minimum <= 1)) throw new UsageError('--min-confidence takes a number from 0 to 1');
      await withDb(async (db) => {
        const feedback = action
          ? await db.recordRecommendationFeedback(String(id), action as 'accept' | 'dismiss', flags['feedback-reason'] as string | undefined)
          : null;
        const generated = await db.generateRecommendations({
          lookbackDays: positiveNumber(flags.lookback, 'lookback') ?? 45,
          retentionDays: positiveNumber(flags.retention, 'retention') ?? 90,
          maxRecommendations: positiveNumber(flags['max-recommendations'], 'max-recommendations') ?? 5,
          dryRun: flags['dry-run'] === true,
          ...(minimum !== undefined ? { minimumConfidence: minimum } : {}),
        });
        const existing = await db.getPatternRecommendations({ limit: positiveNumber(flags.limit, 'limit') ?? 10 });
        // Always JSON: this is the interface the original export_recommendations.py offered.
        process.stdout.write(
          JSON.stringify({ generated: generated.recommendations, existing, retentionDeleted: generated.retentionDeleted, feedback }, null, 2) + '\n',
        );
        out.message(`${generated.recommendations.length} recommendations${flags['dry-run'] ? ' (dry run, nothing stored)' : ''}`);
      });
    },
  },
  export: {
    summary: 'write the whole store as NDJSON to a file or stdout',
    usage: 'temporal-db export [<file>] [--db <path>]',
    async run(withDb, args, _flags, out) {
      const target = args[0] && args[0] !== '-' ? createWriteStream(args[0]) : process.stdout;
      let lines = 0;
      try {
        await withDb((db) =>
          db.exportTo(async (line) => {
            if (!target.write(line)) await new Promise<void>((done) => target.once('drain', () => done()));
            if (++lines % 1000 === 0) out.progress(`exported ${lines.toLocaleString('en-US')} lines`);
          }),
        );
      } finally {
        if (target !== process.stdout) await new Promise<void>((done) => (target as ReturnType<typeof createWriteStream>).end(done));
      }
      out.progress('');
      out.message(`Exported ${lines.toLocaleString('en-US')} lines${args[0] && args[0] !== '-' ? ` to ${args[0]}` : ''}`);
    },
  },
  import: {
    summary: 'import an NDJSON export (checked first; records already present are skipped)',
    usage: 'temporal-db import <file> [--db <path>] [--json]',
    async run(withDb, args, _flags, out) {
      const file = args[0];
      if (!file) throw new UsageError('import needs a file');
      await mustExist(file, 'file');
      await withDb(async (db) => {
        out.progress(`importing ${file}`);
        const result = await db.importFrom(() => createReadStream(file));
        out.progress('');
        out.data(result, () =>
          `Imported ${file}: added ${JSON.stringify(result.added)}, already present ${JSON.stringify(result.skipped)}`,
        );
      });
    },
  },
  'import-legacy': {
    summary: 'migrate a store of the original temporal_db (kv, sqlite or json-dir)',
    usage: 'temporal-db import-legacy <kv|sqlite|json-dir> <path> [--db <path>] [--json]',
    async run(withDb, args, _flags, out) {
      const [kind, path] = args;
      if (!kind || !path) throw new UsageError('import-legacy needs a kind and a path');
      if (!(LEGACY_KINDS as readonly string[]).includes(kind)) throw new UsageError(`the kind is one of ${LEGACY_KINDS.join(', ')}`);
      await mustExist(path, 'file or folder');
      await withDb(async (db) => {
        out.progress(`migrating ${path}`);
        const result = await importLegacy(db, kind as LegacyKind, path);
        out.progress('');
        out.data(result, () =>
          `Migrated ${path}: ${result.specificationVersions} specification versions, ${result.patternVersions} pattern versions, ` +
          `${result.decisions} decisions, ${result.importedRecords} other records; ${result.skipped} already there`,
        );
      });
    },
  },
  'import-adr': {
    summary: 'import a folder of Markdown ADRs, with --git every committed version',
    usage: 'temporal-db import-adr <dir> [--git] [--db <path>] [--json]',
    options: { git: { type: 'boolean', description: 'import every committed version from git history' } },
    async run(withDb, args, flags, out) {
      const dir = args[0];
      if (!dir) throw new UsageError('import-adr needs a folder');
      await mustExist(dir, 'folder');
      await withDb(async (db) => {
        const result = await importAdrDirectory(db, dir, {
          git: flags.git === true,
          onProgress: (done, total) => out.progress(`${done}/${total} versions`),
        });
        out.progress('');
        out.data(result, () =>
          `Imported ${result.files} ADR files: ${result.stored} versions stored (${result.deleted} deletions), ${result.skipped} already there`,
        );
      });
    },
  },
  backup: {
    summary: 'a consistent copy of the store, taken while it stays open',
    usage: 'temporal-db backup <dir> [--db <path>]',
    async run(withDb, args, _flags, out) {
      const dir = args[0];
      if (!dir) throw new UsageError('backup needs a target directory');
      await withDb(async (db) => {
        await db.backup(dir);
      });
      out.data({ backup: resolve(dir) }, () => `Backed up to ${resolve(dir)}`);
    },
  },
};

class NotFound extends Error {}

/** Stops with "No <what> <path>" (exit 1) before the store is opened. */
async function mustExist(path: string, what: string): Promise<void> {
  await stat(path).catch(() => {
    throw new NotFound(`No ${what} ${path}`);
  });
}

function helpText(name?: string): string {
  const command = name ? COMMANDS[name] : undefined;
  const global = Object.entries(GLOBAL_OPTIONS).map(([flag, o]) => `  --${flag.padEnd(14)} ${o.description}`);
  if (command) {
    const own = Object.entries(command.options ?? {}).map(([flag, o]) => `  --${flag.padEnd(14)} ${o.description}`);
    return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...own, ...global].join('\n');
  }
  return [
    'Usage: temporal-db <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(14)} ${c.summary}`),
    '',
    'Options:',
    ...global,
    '',
    "Run 'temporal-db <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText(rest[0]) + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`temporal-db: unknown command "${name}"\n\n${helpText()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`temporal-db ${name}: ${(error as Error).message}\n\n${helpText(name)}\n`);
    return 2;
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags.help) {
    process.stdout.write(helpText(name) + '\n');
    return 0;
  }
  const json = flags.json === true;
  const interactive = process.stderr.isTTY === true;
  const out: Output = {
    json,
    data(value, human) {
      process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + '\n');
    },
    message(text) {
      process.stderr.write(text + '\n');
    },
    progress(text) {
      if (interactive) process.stderr.write(`\r\x1b[K${text}`);
    },
  };
  // Every command opens the store for what it does and closes it whatever happens.
  const withDb = async <T>(use: (db: TemporalDb) => Promise<T>): Promise<T> => {
    const db = await openTemporalDb(flags.db ? { path: String(flags.db) } : {});
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  };
  try {
    await command.run(withDb, parsed.positionals, flags, out);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`temporal-db ${name}: ${error.message}\n\n${helpText(name)}\n`);
      return 2;
    }
    const message = error instanceof NotFound || isTemporalDbError(error) ? error.message : String(error);
    const code = isTemporalDbError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`temporal-db ${name}: ${message}${code}\n`);
    return 1;
  }
}

// Keep stdout's pipe alive for `| head`, and quiet: a closed reader is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});
process.exitCode = await main(process.argv.slice(2));
