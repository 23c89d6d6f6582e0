// Turns argv into positionals and flags for one command, and checks option
// values before anything is opened: every bad value is a usage error (exit 2).
import { parseArgs } from 'node:util';
import { toMillis } from '../core/time.js';
import { usageError } from './cli-error.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The value's name in help, e.g. `time` for `--as-of <time>`. */
  value?: string;
  short?: string;
}

export type Flags = Record<string, string | boolean | undefined>;

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', value: 'path', description: 'store directory (default ./.temporal-db)' },
  json: { type: 'boolean', description: 'print JSON for scripts (errors too, on stderr)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/** Parses `argv` for a command taking the positionals `args` (`<required>` or `[optional]`) and `options`. */
export function parseCommandLine(
  argv: string[],
  args: readonly string[],
  options: Record<string, OptionSpec>,
): { positionals: string[]; flags: Flags } {
  const all = { ...GLOBAL_OPTIONS, ...options };
  // `--limit -1` means the value -1 (refused later with a clear reason), not a missing value.
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && all[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    throw describeParseError(error as Error & { code?: string });
  }
  const flags = parsed.values as Flags;
  const positionals = parsed.positionals;
  if (flags.help) return { positionals, flags };
  const required = args.filter((a) => a.startsWith('<')).length;
  if (positionals.length < required) {
    const missing = args[positionals.length]!;
    throw usageError(`missing ${missing}`, [missing.slice(1, -1)]);
  }
  if (positionals.length > args.length) {
    const extra = positionals.slice(args.length).map((p) => JSON.stringify(p)).join(' ');
    throw usageError(`unexpected argument${positionals.length - args.length > 1 ? 's' : ''} ${extra}`);
  }
  return { positionals, flags };
}

/** parseArgs' error in one short line, with the option as its path. */
function describeParseError(error: Error & { code?: string }) {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return usageError(`unknown option ${option}`, [option]);
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const missing = /argument missing|ambiguous/.test(error.message);
    return usageError(missing ? `${option} needs a value` : `${option} takes no value`, [option]);
  }
  return usageError(error.message.split('. ')[0] ?? error.message);
}

const given = (value: string | boolean | undefined, name: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw usageError(`--${name} needs a value`, [`--${name}`]);
  return value;
};

/** `--name <time>`: an ISO 8601 date or date-time, as milliseconds. */
export function instantOption(flags: Flags, name: string): number | undefined {
  const value = given(flags[name], name);
  if (value === undefined) return undefined;
  const ms = toMillis(value);
  if (typeof ms === 'string') throw usageError(`--${name} takes an ISO 8601 date or time, not ${JSON.stringify(value)}`, [`--${name}`]);
  return ms;
}

/** `--name <n>`: a whole number of at least 1. */
export function countOption(flags: Flags, name: string): number | undefined {
  const value = given(flags[name], name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw usageError(`--${name} takes a whole number of at least 1, not ${JSON.stringify(value)}`, [`--${name}`]);
  }
  return Number(value);
}

/** `--name <n>`: a number above 0 (days may be fractional). */
export function positiveOption(flags: Flags, name: string): number | undefined {
  const value = given(flags[name], name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw usageError(`--${name} takes a number above 0, not ${JSON.stringify(value)}`, [`--${name}`]);
  return n;
}

/** `--name <n>` within [min, max]. */
export function rangeOption(flags: Flags, name: string, min: number, max: number): number | undefined {
  const value = given(flags[name], name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= min && n <= max)) throw usageError(`--${name} takes a number from ${min} to ${max}, not ${JSON.stringify(value)}`, [`--${name}`]);
  return n;
}

/** `--name <choice>`, one of `choices`. */
export function choiceOption<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const value = given(flags[name], name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw usageError(`--${name} is one of ${choices.join(', ')}, not ${JSON.stringify(value)}`, [`--${name}`]);
  }
  return value as T;
}

/** A positional version number, `2` or `v2`. */
export function versionArgument(value: string, name: string): number {
  const digits = /^v?(\d+)$/.exec(value)?.[1];
  if (digits === undefined || Number(digits) < 1 || !Number.isSafeInteger(Number(digits))) {
    throw usageError(`<${name}> takes a version number such as 2 or v2, not ${JSON.stringify(value)}`, [name]);
  }
  return Number(digits);
}

export const stringOption = (flags: Flags, name: string): string | undefined => given(flags[name], name);
