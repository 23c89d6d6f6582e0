// JSON input for `store` and `decide`: a file, or stdin.
import { readFile } from 'node:fs/promises';
import { TemporalDbError } from '../core/errors.js';
import { ioError } from './cli-error.js';

async function readStdin(what: string): Promise<string> {
  // A person at a terminal would otherwise see nothing happen.
  if (process.stdin.isTTY) process.stderr.write(`Reading ${what} as JSON from stdin; end with Ctrl-D (or give --file <input.json>)\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses the JSON input; text that is not JSON is INVALID_INPUT, like any other bad input. */
export async function readJsonInput(file: string | undefined, what: string): Promise<unknown> {
  let text: string;
  if (file !== undefined && file !== '-') {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw ioError(error, 'read', file);
    }
  } else {
    text = await readStdin(what);
  }
  if (text.trim() === '') throw new TemporalDbError('INVALID_INPUT', `no input: expected ${what} as JSON`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemporalDbError('INVALID_INPUT', `${what} is not JSON: ${(error as Error).message}`);
  }
}
