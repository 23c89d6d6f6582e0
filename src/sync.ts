// Entry `temporal-db/sync`: replication with a temporal-db service (README "Sync"), for LMDB stores in Node
// and IndexedDB stores in browsers alike. An entry of its own so that apps which do not sync do not carry it.
export { sync, type SyncOptions, type SyncPage, type SyncResult } from './sync/client.js';
export { startSync, type StartSyncOptions, type SyncHandle, type SyncStatus, type SyncStatusDetail } from './sync/start-sync.js';
export type { Fetch } from './sync/remote.js';
export { SYNC_PROTOCOL_VERSION, DEFAULT_PAGE, MAX_PAGE, type Cursor, type PageCheckpoint, type PushAnswer, type RecordLine, type SyncInfo } from './sync/protocol.js';
