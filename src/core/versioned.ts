import type { Backend } from './backend.js';
import { TemporalDbError } from './errors.js';
import type { Key } from './key-codec.js';
import { rowsIn, span, type RowOf } from './tables.js';

// "Versions plus a latest pointer", once for everything versioned. A versions table is keyed by the
// entity, then its version number, and has a `byTime` index (entity, timestamp, version), so the
// latest version, the one current as of an instant and the whole history are each one range read;
// the pointer row (`heads`, `patternHeads`) says which version is the latest without a read of it.

/** The tables that hold versions: keyed by entity then version, with a `byTime` index. */
export type VersionTable = 'specifications' | 'patterns';

/** The highest version of an entity (a reverse range read of length 1). */
export async function latestVersion<T extends VersionTable>(backend: Backend, table: T, entity: Key): Promise<RowOf<T> | undefined> {
  return (await rowsIn(backend, { ...span(table, entity), reverse: true, limit: 1 }))[0];
}

/** The version current at `asOf`: the last one whose timestamp is not after it (one reverse index read). */
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
