// Memory entry (Node and browsers): the store lives in memory.
export * from './index.js';
export { openTemporalDb, deleteMemoryStore, type OpenMemoryOptions } from './backends/memory/open.js';
