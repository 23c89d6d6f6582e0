import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ioError } from '../cli-error.js';
import type { TemporalDb } from '../../core/temporal-db.js';
import type { CommandRun } from '../commands.js';
import { withStore } from '../store-access.js';
import { exportTo, importFrom } from '../../core/store-interchange.js';

/** Lines in an export whose header is `line`: the header plus its counts (undefined when it is not a header). */
export function totalLines(line: string): number | undefined {
  try {
    const counts = (JSON.parse(line) as { counts?: Record<string, unknown> }).counts;
    if (!counts || typeof counts !== 'object') return undefined;
    return 1 + Object.values(counts).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
  } catch {
    return undefined;
  }
}

interface LineSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export async function fileSink(file: string): Promise<LineSink> {
  let handle;
  try {
    handle = await open(file, 'w');
  } catch (error) {
    throw ioError(error, 'write', file);
  }
  const stream = handle.createWriteStream();
  let failure: unknown;
  stream.on('error', (error) => (failure ??= error));
  const check = () => {
    if (failure !== undefined) throw ioError(failure, 'write', file);
  };
  return {
    async write(line) {
      check();
      if (!stream.write(line)) await once(stream, 'drain').catch((error) => (failure ??= error));
      check();
    },
    async close() {
      await new Promise<void>((done) => stream.end(() => done()));
      check();
    },
    async abort() {
      stream.destroy();
      await rm(file, { force: true });
    },
  };
}

function stdoutSink(): LineSink {
  return {
    async write(line) {
      if (!process.stdout.write(line)) await once(process.stdout, 'drain');
    },
    async close() {},
    async abort() {},
  };
}

/** Writes the store's export to `sink` with progress (its header gives the total), and returns the lines written; a failure aborts the sink. */
export async function exportToSink(db: TemporalDb, sink: LineSink, out: Parameters<CommandRun>[0]['out']): Promise<number> {
  let written = 0;
  try {
    await exportTo(db, async (line) => {
      if (written === 0) out.progress.start('exporting', 'lines', totalLines(line));
      await sink.write(line);
      out.progress.update(++written);
    });
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    out.progress.finish();
  }
  return written;
}

export const exportStore: CommandRun = async ({ args, storePath, out }) => {
  const file = args[0] !== undefined && args[0] !== '-' ? args[0] : undefined;
  const lines = await withStore(storePath, 'existing', async (db) => exportToSink(db, file !== undefined ? await fileSink(file) : stdoutSink(), out));
  const text = `Exported ${lines.toLocaleString('en-US')} lines`;
  if (file !== undefined) out.data({ file: resolve(file), lines }, () => `${text} to ${file}`);
  else out.note(text);
};

/** The header's total, read before the import so progress can say how far along it is. */
async function headerTotal(file: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw ioError(error, 'read', file);
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return totalLines(end === -1 ? text : text.slice(0, end));
  } catch (error) {
    throw ioError(error, 'read', file);
  } finally {
    await handle.close();
  }
}

/** The file's chunks, counting the lines that pass by. */
export async function* counted(file: string, onLines: (lines: number) => void): AsyncGenerator<Buffer> {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(file) as Readable & AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      onLines(lines);
      yield chunk;
    }
  } catch (error) {
    throw ioError(error, 'read', file);
  }
}

export const importStore: CommandRun = async ({ args, storePath, out }) => {
  const [file] = args as [string];
  const total = await headerTotal(file);
  let pass = 0;
  // The import reads the file twice: it checks every line before it writes any.
  const source = () => {
    out.progress.start(++pass === 1 ? 'checking' : 'importing', 'lines', total);
    return counted(file, (lines) => out.progress.update(lines));
  };
  const imported = await withStore(storePath, 'create', (db) => importFrom(db, source)).finally(() => out.progress.finish());
  out.data(imported, () => `Imported ${file}: added ${JSON.stringify(imported.added)}, already present ${JSON.stringify(imported.skipped)}`);
};

export const backup: CommandRun = async ({ args, storePath, out }) => {
  const target = resolve(args[0]!);
  await withStore(storePath, 'existing', (db) => db.backup(target));
  out.data({ backup: target }, () => `Backed up to ${target}`);
};
