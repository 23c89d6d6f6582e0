// Entry `temporal-db/live` (Node and browsers): live queries over db.onCommit, in an entry of their
// own so that the browser root entry stays within its size budget.
export { watch, type WatchOptions, type WatchQuery, type WatchResult } from './core/watch.js';
