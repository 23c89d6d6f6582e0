// The command table: names, summaries, arguments and options. It is all that
// `--help` and argument checking need, so it imports no command's code: each
// command's implementation is loaded on demand by `load`.
import { GLOBAL_OPTIONS, type Flags, type OptionSpec } from './args.js';
import type { Output } from './output.js';

export interface CommandContext {
  command: string;
  /** The positional arguments, already counted against the command's `args`. */
  args: string[];
  flags: Flags;
  out: Output;
  /** The store directory: --db, or ./.temporal-db. */
  storePath: string;
}

export type CommandRun = (context: CommandContext) => Promise<void>;

export interface CommandSpec {
  summary: string;
  /** Positional arguments: `<required>` or `[optional]`; any more is a usage error. */
  args?: readonly string[];
  options?: Record<string, OptionSpec>;
  load(): Promise<CommandRun>;
}

const jsonInput: Record<string, OptionSpec> = {
  file: { type: 'string', value: 'input.json', description: 'read the JSON from this file (default: stdin)' },
};

export const COMMANDS: Record<string, CommandSpec> = {
  init: {
    summary: 'create the store (or open an existing one)',
    load: async () => (await import('./commands/store-info.js')).init,
  },
  status: {
    summary: 'counts, size on disk and the last change',
    load: async () => (await import('./commands/store-info.js')).status,
  },
  list: {
    summary: 'the current version of every specification (or as of a time)',
    options: {
      type: { type: 'string', value: 'ADR|PRD|SDS|TS', description: 'only specifications of this type' },
      'as-of': { type: 'string', value: 'time', description: 'as they were at this ISO 8601 instant' },
    },
    load: async () => (await import('./commands/read.js')).list,
  },
  show: {
    summary: 'one version of a specification: the latest, --version <n> or --as-of <time>',
    args: ['<identifier>'],
    options: {
      version: { type: 'string', value: 'n', description: 'this version number' },
      'as-of': { type: 'string', value: 'time', description: 'the version current at this ISO 8601 instant' },
    },
    load: async () => (await import('./commands/read.js')).show,
  },
  history: {
    summary: 'every version of a specification, oldest first',
    args: ['<identifier>'],
    load: async () => (await import('./commands/read.js')).history,
  },
  diff: {
    summary: 'what changed between two versions: the content, line by line, and the fields',
    args: ['<identifier>', '<v1>', '<v2>'],
    load: async () => (await import('./commands/diff.js')).diff,
  },
  changes: {
    summary: 'the change log, in time order',
    options: {
      spec: { type: 'string', value: 'id', description: 'one specification: its identifier, specId or a version id' },
      type: { type: 'string', value: 'Create|Update|Delete|Decision', description: 'only changes of this type' },
      since: { type: 'string', value: 'time', description: 'from this ISO 8601 instant (inclusive)' },
      until: { type: 'string', value: 'time', description: 'up to this ISO 8601 instant (inclusive)' },
      limit: { type: 'string', value: 'n', description: 'at most this many' },
    },
    load: async () => (await import('./commands/read.js')).changes,
  },
  store: {
    summary: 'store a specification version, read as JSON from --file or stdin',
    options: jsonInput,
    load: async () => (await import('./commands/write.js')).store,
  },
  decide: {
    summary: 'record a decision, read as JSON from --file or stdin',
    options: {
      ...jsonInput,
      spec: { type: 'string', value: 'id', description: "the decision's specification (identifier, specId or version id), instead of specId in the JSON" },
    },
    load: async () => (await import('./commands/write.js')).decide,
  },
  delete: {
    summary: 'mark a specification deleted from now on (its history is kept)',
    args: ['<identifier>'],
    options: {
      reason: { type: 'string', value: 'text', description: 'why, kept in the change log' },
      author: { type: 'string', value: 'name', description: 'who deleted it' },
    },
    load: async () => (await import('./commands/write.js')).remove,
  },
  analyze: {
    summary: 'decision patterns over the last days',
    options: { lookback: { type: 'string', value: 'days', description: 'days to look back (default 30)' } },
    load: async () => (await import('./commands/read.js')).analyze,
  },
  recommend: {
    summary: 'pattern recommendations from the decision history, with feedback (JSON, like export_recommendations.py)',
    options: {
      lookback: { type: 'string', value: 'days', description: 'days of decisions to learn from (default 45)' },
      limit: { type: 'string', value: 'n', description: 'stored recommendations to list (default 10)' },
      retention: { type: 'string', value: 'days', description: 'days a recommendation lives (default 90)' },
      'min-confidence': { type: 'string', value: '0..1', description: 'minimum confidence (default 0.55, clamped to 0.3..0.95)' },
      'max-recommendations': { type: 'string', value: 'n', description: 'at most this many new ones (default 5)' },
      'dry-run': { type: 'boolean', description: 'compute without writing' },
      'feedback-action': { type: 'string', value: 'accept|dismiss', description: 'feedback on a recommendation' },
      'feedback-id': { type: 'string', value: 'id', description: 'the recommendation the feedback is about' },
      'feedback-reason': { type: 'string', value: 'text', description: 'why' },
    },
    load: async () => (await import('./commands/recommend.js')).recommend,
  },
  export: {
    summary: 'write the whole store as NDJSON to a file or stdout',
    args: ['[file]'],
    load: async () => (await import('./commands/interchange.js')).exportStore,
  },
  import: {
    summary: 'import an NDJSON export (checked first; records already present are skipped)',
    args: ['<file>'],
    load: async () => (await import('./commands/interchange.js')).importStore,
  },
  copy: {
    summary: 'copy every record from one store to another (LMDB directory or postgres:// URL); run again to finish an interrupted copy',
    options: {
      from: { type: 'string', value: 'store', description: 'the store to read: an LMDB directory, or postgres://...[?schema=name] (default schema temporal_db)' },
      to: { type: 'string', value: 'store', description: 'the store to write (created if missing); records it already holds are skipped' },
    },
    load: async () => (await import('./commands/copy.js')).copy,
  },
  'import-legacy': {
    summary: 'migrate a store of the original temporal_db (kind: kv, sqlite or json-dir)',
    args: ['<kind>', '<path>'],
    load: async () => (await import('./commands/migrate.js')).importLegacyStore,
  },
  'import-adr': {
    summary: 'import a folder of Markdown ADRs, with --git every committed version',
    args: ['<dir>'],
    options: { git: { type: 'boolean', description: 'import every committed version from git history' } },
    load: async () => (await import('./commands/migrate.js')).importAdrs,
  },
  serve: {
    summary: 'serve the store over HTTP: a JSON REST API (see the README, "Service")',
    options: {
      host: { type: 'string', value: 'address', description: 'address to listen on (default 127.0.0.1; any other needs a token)' },
      port: { type: 'string', value: 'n', description: 'port to listen on (default 4780; 0: any free port)' },
      token: { type: 'string', value: 'token', description: 'bearer token every request must carry (default: $TEMPORAL_DB_TOKEN)' },
      'cors-origins': { type: 'string', value: 'origins', description: 'comma-separated browser origins allowed to call it' },
      postgres: { type: 'string', value: 'url', description: 'serve a PostgreSQL store (postgres://...?schema=name) instead of --db; many instances may share it' },
    },
    load: async () => (await import('./commands/serve.js')).serve,
  },
  backup: {
    summary: 'a consistent copy of the store, taken while it stays open',
    args: ['<dir>'],
    load: async () => (await import('./commands/interchange.js')).backup,
  },
};

function optionLines(options: Record<string, OptionSpec>, extra: Array<[string, string]> = []): string[] {
  const rows: Array<[string, string]> = [
    ...Object.entries(options).map(([flag, o]): [string, string] => [`--${flag}${o.value ? ` <${o.value}>` : ''}`, o.description]),
    ...extra,
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function usageLine(name: string): string {
  const command = COMMANDS[name]!;
  return ['temporal-db', name, ...(command.args ?? []), '[options]'].join(' ');
}

/** `temporal-db --help`, or one command's help. */
export function helpText(name?: string): string {
  const command = name ? COMMANDS[name] : undefined;
  if (name && command) {
    return [`Usage: ${usageLine(name)}`, '', `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`, '', 'Options:', ...optionLines({ ...(command.options ?? {}), ...GLOBAL_OPTIONS })].join('\n');
  }
  return [
    'Usage: temporal-db <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(14)} ${c.summary}`),
    '',
    'Options:',
    ...optionLines(GLOBAL_OPTIONS, [['--version', 'print the version']]),
    '',
    "Run 'temporal-db <command> --help' for a command's options.",
  ].join('\n');
}

/** The command whose name is closest to a mistyped one, if any is close. */
export function closestCommand(name: string): string | undefined {
  let best: [string, number] | undefined;
  for (const candidate of Object.keys(COMMANDS)) {
    const d = editDistance(name, candidate);
    if (d <= 2 && (!best || d < best[1])) best = [candidate, d];
  }
  return best?.[0];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
