// Declarations only, never built to JavaScript: the types of `temporal-db` for a resolver that
// knows neither runtime (TypeScript's `moduleResolution: "bundler"` without a `node` or `browser`
// condition). The package's JavaScript is then the LMDB build in Node and the IndexedDB build in a
// browser bundle, so these types hold what both builds export, and `openTemporalDb` takes either
// build's options. The Node-only importers are in `temporal-db/lmdb`.
import type { OpenLmdbOptions } from './backends/lmdb/open.js';
import type { OpenIndexedDbOptions } from './backends/indexeddb/open.js';
import type { TemporalDb } from './core/temporal-db.js';

export * from './index.js';
export type { OpenLmdbOptions, OpenIndexedDbOptions };

/** The options of either build: `path` and `noSync` for LMDB in Node, `name` and `durability` for IndexedDB. */
export type OpenTemporalDbOptions = OpenLmdbOptions | OpenIndexedDbOptions;

/**
 * Opens (or creates) a temporal store: LMDB at `path` in Node, IndexedDB database `name` in a browser.
 *
 * @example
 * import { openTemporalDb } from 'temporal-db';
 * const db = await openTemporalDb({ name: 'architecture' });
 */
export declare function openTemporalDb(options?: OpenTemporalDbOptions): Promise<TemporalDb>;

/**
 * The original crate's name for opening a store: a directory in Node, a database name in a browser.
 *
 * @example
 * const db = await initializeTemporalDatabase('architecture');
 */
export declare function initializeTemporalDatabase(pathOrName?: string): Promise<TemporalDb>;

/**
 * Asks the browser to keep the IndexedDB store under storage pressure; resolves to whether the
 * storage is persistent now (always `true` in Node: an LMDB store is a file).
 *
 * @example
 * const kept = await persistStorage();
 */
export declare function persistStorage(): Promise<boolean>;
