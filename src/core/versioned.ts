import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { Key } from './key-codec.js';
import { rowsIn, span, type RowOf } from './tables.js';

// "Versions plus a latest pointer", once for everything versioned. A versions table is keyed by the
// entity, then its version number, and has a `byTime` index (entity, timestamp, version), so the
// latest version, the one current as of an instant and the whole history are each one range read;
// the pointer row (`heads`, `patternHeads`) says which version is the latest without a read of it.
// Decision points keep versions without numbers or a pointer: each store adds a record keyed by
// time, and `latestEach` picks the current one of each.

/** The tables that hold versions: keyed by entity then version, with a `byTime` index. */
export type VersionTable = 'specifications' | 'patterns';

/**
 * Whether version `a` wins over its sibling `b` (another version of the same number, from another
 * replica): the later timestamp, then the higher id. The same rule on every replica, so all of
 * them read the same winner; `latestEach` orders records without numbers alike.
 */
export const wins = (a: { timestamp: number; id: string }, b: { timestamp: number; id: string }) =>
  a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.id > b.id);

/** The winner of some siblings, or `undefined` for none. */
export const winner = <R extends { timestamp: number; id: string }>(rows: readonly R[]): R | undefined =>
  rows.reduce<R | undefined>((best, row) => (best && !wins(row, best) ? best : row), undefined);

/** The winner among the versions numbered `version` of an entity. */
export async function versionAt<T extends VersionTable>(backend: Backend, table: T, entity: Key, version: number) {
  return winner(await rowsIn(backend, span(table, [...entity, version])));
}

/**
 * The winner of the highest version of an entity: a reverse range read of length 2, which shows
 * whether that number has siblings (then they are read too).
 */
export async function latestVersion<T extends VersionTable>(backend: Backend, table: T, entity: Key): Promise<RowOf<T> | undefined> {
  const [top, next] = await rowsIn(backend, { ...span(table, entity), reverse: true, limit: 2 });
  return top && next?.version === top.version ? versionAt(backend, table, entity, top.version) : top;
}

/**
 * The version current at `asOf`: the last one whose timestamp is not after it, ties going to the
 * higher number, then (siblings) the higher id, as `wins` picks (one reverse index read).
 */
export async function versionAsOf<T extends VersionTable>(backend: Backend, table: T, entity: Key, asOf: number): Promise<RowOf<T> | undefined> {
  return (await rowsIn(backend, { ...span(table, entity, [...entity, asOf], 'byTime'), reverse: true, limit: 1 }))[0];
}

/** Every version of an entity, oldest first. */
export const versionsOf = <T extends VersionTable>(backend: Backend, table: T, entity: Key) => rowsIn(backend, span(table, entity));

/**
 * The timestamp of a new version: as given (never before the latest one), else now (never before
 * the latest one either). `what` names the entity in the `OUT_OF_ORDER` message.
 */
export function versionTimestamp(given: number | undefined, now: number, latest: { version: number; timestamp: number } | undefined, what: string): number {
  if (given === undefined) return Math.max(now, latest?.timestamp ?? now);
  if (latest && given < latest.timestamp) {
    throw new TemporalDbError(
      'OUT_OF_ORDER',
      `Cannot store a version of ${what} at ${new Date(given).toISOString()}: ` +
        `version ${latest.version} is already at ${new Date(latest.timestamp).toISOString()}`,
      { path: ['timestamp'] },
    );
  }
  return given;
}

/**
 * Of versions kept without a pointer (each a record with a timestamp and a uuid v7 id), the latest
 * of each entity as of `asOf`: the highest timestamp, ties going to the later id.
 */
export function latestEach<R extends { timestamp: number; id: string }>(rows: readonly R[], entityOf: (row: R) => string, asOf: number): R[] {
  const latest = new Map<string, R>();
  for (const row of rows) {
    if (row.timestamp > asOf) continue;
    const key = entityOf(row);
    const seen = latest.get(key);
    if (!seen || wins(row, seen)) latest.set(key, row);
  }
  return [...latest.values()];
}
