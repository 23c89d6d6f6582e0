/** Why a store's connection was closed from outside (IndexedDB only). */
export type ConnectionLostReason = 'versionchange' | 'terminated';

/**
 * Fired on a TemporalDb (type `connectionlost`) when something other than
 * `close()` closed its IndexedDB connection: another tab upgrading or
 * deleting the database (`versionchange`), or the browser (`terminated`,
 * e.g. when site data is cleared). The store stays usable: the next call
 * opens a new connection, and fails with `UNSUPPORTED_SCHEMA` if the other
 * tab left a schema this version does not know. A call whose transaction
 * the browser aborted fails with `DATABASE_CLOSED` and wrote nothing.
 *
 * @example
 * db.addEventListener('connectionlost', (event) => {
 *   if (event.reason === 'versionchange') showBanner('A newer version is open in another tab');
 * });
 */
export class ConnectionLostEvent extends Event {
  constructor(readonly reason: ConnectionLostReason) {
    super('connectionlost');
  }
}
