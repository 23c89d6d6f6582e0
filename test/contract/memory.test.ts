import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { deleteMemoryStore, openTemporalDb } from '../../src/memory.js';
import { runContractSuite } from './contract-suite.js';

let counter = 0;

runContractSuite({
  name: 'memory',
  newStore() {
    const name = `contract-${counter++}`;
    return {
      open: (options) => openTemporalDb({ ...options, name }),
      openBackend: async () => MemoryBackend.open(name),
      destroy: async () => deleteMemoryStore(name),
    };
  },
});
