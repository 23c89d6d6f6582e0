// `temporal-db copy --from <store> --to <store>`: an export of the source,
// streamed to a temporary file, then imported from it into the target. The
// import reads its input twice (it checks every line before it writes one),
// and the file is what both passes read: one consistent snapshot of the
// source, in flat memory. Records the target already holds are skipped, so a
// copy that was interrupted is finished by running it again.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemporalDb } from '../../core/temporal-db.js';
import type { ImportResult } from '../../core/interchange.js';
import { stringOption } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';
import { withStore, type StoreNeed } from '../store-access.js';
import { parseStoreLocation, type StoreLocation } from '../store-location.js';
import { counted, exportToSink, fileSink } from './interchange.js';
import { importFrom } from '../../core/store-interchange.js';

/** Whether the schema holds a store: its tables exist (opening would create them, and a source must not be created). */
async function postgresStoreExists(location: Extract<StoreLocation, { kind: 'postgres' }>): Promise<boolean> {
  const { default: pg } = await import('pg');
  const { codedPgError } = await import('../../backends/postgres/pg-errors.js');
  const { quote } = await import('../../backends/postgres/sql-layout.js');
  const client = new pg.Client({ connectionString: location.connectionString, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [`${quote(location.schema)}."heads"`]);
    return result.rows[0]?.found === true;
  } catch (error) {
    throw codedPgError(error, 'connect');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens the store at `location` for `use`, then closes it; `existing` refuses a place that holds no store. */
async function withLocation<T>(location: StoreLocation, need: StoreNeed, flag: string, use: (db: TemporalDb) => Promise<T>): Promise<T> {
  if (location.kind === 'lmdb') {
    return withStore(location.path, need, use).catch((error: unknown) => {
      if (error instanceof CliError && error.code === 'NO_STORE') throw new CliError('NO_STORE', `no store at ${location.display}`, [flag]);
      throw error;
    });
  }
  const { openTemporalDb } = await import('../../backends/postgres/open.js');
  // Without pg, the open below says MISSING_DEPENDENCY; only the check needs pg first.
  const pgLoads = await import('pg').then(() => true, () => false);
  if (need === 'existing' && pgLoads && !(await postgresStoreExists(location))) {
    throw new CliError('NO_STORE', `no store at ${location.display}`, [flag]);
  }
  const db = await openTemporalDb({ connectionString: location.connectionString, schema: location.schema });
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

const PREFIX = 'temporal-db-copy-';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the folders of earlier copies that were killed (SIGKILL, a crash) before they could remove their own. */
function removeAbandoned(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * A temporary folder for the export, named after this process, removed when
 * it ends, even on Ctrl-C or SIGTERM; after a SIGKILL, by the next copy.
 */
function temporaryFolder(): { file: string; remove: () => void } {
  removeAbandoned();
  const folder = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    file: join(folder, 'export.ndjson'),
    remove() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      remove();
    },
  };
}

export interface CopySummary {
  from: string;
  to: string;
  /** Lines of the source's export (its header included). */
  lines: number;
  added: ImportResult['added'];
  skipped: ImportResult['skipped'];
}

export const copy: CommandRun = async ({ flags, out }) => {
  if (flags.db !== undefined) throw usageError('copy takes --from and --to, not --db', ['--db']);
  const fromValue = stringOption(flags, 'from');
  const toValue = stringOption(flags, 'to');
  if (fromValue === undefined) throw usageError('missing --from <store>', ['--from']);
  if (toValue === undefined) throw usageError('missing --to <store>', ['--to']);
  const from = parseStoreLocation(fromValue, '--from');
  const to = parseStoreLocation(toValue, '--to');
  const same =
    from.kind === to.kind &&
    (from.kind === 'lmdb' ? from.path === (to as typeof from).path : from.connectionString === (to as typeof from).connectionString && from.schema === (to as typeof from).schema);
  if (same) throw usageError('--from and --to are the same store', ['--to']);

  const temporary = temporaryFolder();
  try {
    // The whole source is read before the target is opened: a source that fails leaves the target untouched.
    const lines = await withLocation(from, 'existing', '--from', async (db) => exportToSink(db, await fileSink(temporary.file), out));
    let pass = 0;
    const source = () => {
      out.progress.start(++pass === 1 ? 'checking' : 'importing', 'lines', lines);
      return counted(temporary.file, (n) => out.progress.update(n));
    };
    const imported = await withLocation(to, 'create', '--to', (db) => importFrom(db, source)).finally(() => out.progress.finish());
    const summary: CopySummary = { from: from.display, to: to.display, lines, added: imported.added, skipped: imported.skipped };
    // One line, so a script can read the summary of each copy it runs from a log.
    if (out.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0).toLocaleString('en-US');
      out.data(summary, () => `Copied ${from.display} to ${to.display}: ${total(imported.added)} records added, ${total(imported.skipped)} already there`);
    }
  } finally {
    temporary.remove();
  }
};
