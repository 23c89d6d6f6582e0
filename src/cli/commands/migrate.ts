import { stat } from 'node:fs/promises';
import { importAdrDirectory } from '../../adr/import-adr-directory.js';
import { importLegacy, LEGACY_KINDS, type LegacyKind } from '../../migrate/import-legacy.js';
import { ioError, usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';
import { withStore } from '../store-access.js';

/** Fails with IO_ERROR before the store is opened (or created). */
async function mustExist(path: string): Promise<void> {
  await stat(path).catch((error) => {
    throw ioError(error, 'open', path);
  });
}

export const importLegacyStore: CommandRun = async ({ args, storePath, out }) => {
  const [kind, path] = args as [string, string];
  if (!(LEGACY_KINDS as readonly string[]).includes(kind)) throw usageError(`<kind> is one of ${LEGACY_KINDS.join(', ')}, not ${JSON.stringify(kind)}`, ['kind']);
  await mustExist(path);
  const migrated = await withStore(storePath, 'create', (db) => importLegacy(db, kind as LegacyKind, path));
  out.data(migrated, () =>
    `Migrated ${path}: ${migrated.specificationVersions} specification versions, ${migrated.patternVersions} pattern versions, ` +
    `${migrated.decisions} decisions, ${migrated.importedRecords} other records; ${migrated.skipped} already there`,
  );
};

export const importAdrs: CommandRun = async ({ args, flags, storePath, out }) => {
  const [dir] = args as [string];
  await mustExist(dir);
  const onProgress = (done: number, total: number) => {
    if (done <= 1) out.progress.start('importing', 'versions', total);
    out.progress.update(done, total);
  };
  const imported = await withStore(storePath, 'create', (db) => importAdrDirectory(db, dir, { git: flags.git === true, onProgress })).finally(() =>
    out.progress.finish(),
  );
  out.data(imported, () =>
    `Imported ${imported.files} ADR files: ${imported.stored} versions stored (${imported.deleted} deletions), ${imported.skipped} already there`,
  );
};
