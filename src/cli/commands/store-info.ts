import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CommandRun } from '../commands.js';
import { formatChange } from '../format.js';
import { withStore } from '../store-access.js';

export const init: CommandRun = async ({ storePath, out }) => {
  const path = resolve(storePath);
  const created = await withStore(storePath, 'create', async (_db, created) => created);
  out.data({ path, created }, () => (created ? `Created a store at ${path}` : `A store is already at ${path}`));
};

async function sizeOnDisk(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOnDisk(join(path, entry));
  return total;
}

export const status: CommandRun = async ({ storePath, out }) => {
  const path = resolve(storePath);
  const [stats, [last]] = await withStore(storePath, 'existing', (db) =>
    Promise.all([db.statistics(), db.getChanges({ newestFirst: true, limit: 1 })]),
  );
  const result = { path, sizeBytes: await sizeOnDisk(path), ...stats, lastChange: last ?? null };
  out.data(result, () =>
    [
      `Store:           ${path}`,
      `Size on disk:    ${(result.sizeBytes / 1024 / 1024).toFixed(1)} MiB`,
      `Specifications:  ${stats.specifications} (${stats.deletedSpecifications} deleted), ${stats.versions} versions`,
      `Patterns:        ${stats.patterns} (${stats.patternVersions} versions)`,
      `Changes:         ${stats.changes} (${stats.decisions} decisions)`,
      `Last change:     ${last ? formatChange(last) : 'none'}`,
    ].join('\n'),
  );
};
