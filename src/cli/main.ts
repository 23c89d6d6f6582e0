// The `temporal-db` command line. Data goes to stdout; notes, progress and
// errors to stderr (notes and progress only when it is a terminal). Exit
// codes: 0 success, 1 an error, 2 bad usage. This entry loads only the
// command table: a command's code, the store and zod load when it runs.
import { parseCommandLine } from './args.js';
import { formatError, reportOf, usageError } from './cli-error.js';
import { COMMANDS, closestCommand, helpText } from './commands.js';
import { createOutput } from './output.js';
import { VERSION } from './version.js';

function fail(error: unknown, json: boolean, command?: string): number {
  const { report, exitCode } = reportOf(error);
  process.stderr.write(formatError(report, { json, exitCode, ...(command ? { command } : {}) }) + '\n');
  return exitCode;
}

/** `temporal-db --db x --json list` means `temporal-db list --db x --json`, as with `git -C`. */
function commandFirst(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === '--json' || arg.startsWith('--db=')) i += 1;
    else if (arg === '--db' && i + 1 < argv.length) i += 2;
    else break;
  }
  return i === 0 || i >= argv.length ? argv : [argv[i]!, ...argv.slice(0, i), ...argv.slice(i + 1)];
}

export async function main(args: string[]): Promise<number> {
  const argv = commandFirst(args);
  const [name, ...rest] = argv;
  const json = argv.includes('--json');
  if (name === '--version' || name === '-V') {
    process.stdout.write(json ? JSON.stringify({ version: VERSION }) + '\n' : `${VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = rest.find((arg) => !arg.startsWith('-'));
    if (topic !== undefined && !COMMANDS[topic]) return fail(usageError(`unknown command "${topic}"`), json);
    // Asked for, help is the output; given instead of a command, it is the usage error's message.
    (name === undefined ? process.stderr : process.stdout).write(helpText(topic) + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const near = name.startsWith('-') ? undefined : closestCommand(name);
    const what = name.startsWith('-') ? `unknown option ${name} before the command` : `unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ''}`;
    return fail(usageError(what), json);
  }
  try {
    const { positionals, flags } = parseCommandLine(rest, command.args ?? [], command.options ?? {});
    if (flags.help) {
      process.stdout.write(helpText(name) + '\n');
      return 0;
    }
    const run = await command.load();
    await run({
      command: name,
      args: positionals,
      flags,
      out: createOutput(json),
      storePath: typeof flags.db === 'string' ? flags.db : '.temporal-db',
    });
    return 0;
  } catch (error) {
    return fail(error, json, name);
  }
}

// A failure nothing caught (a stream's 'error' event, a stray rejection) still ends as one line, never a stack trace.
const lastResort = (error: unknown) => {
  const name = process.argv[2];
  process.exit(fail(error, process.argv.includes('--json'), name && COMMANDS[name] ? name : undefined));
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
// Keep stdout's pipe quiet for `| head`: a closed reader is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});
process.exitCode = await main(process.argv.slice(2));
