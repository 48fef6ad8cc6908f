import { createMemoryStore, type MemoryStore } from '../src/memory.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', {
  capabilities: { persistent: false, sharedAccess: false, concurrentReplayers: false, renewsLeases: true },
  open: async () => createMemoryStore(),
  fresh: async () => undefined,
  fill: async (store) => {
    const s = store as MemoryStore;
    s.maxBytes = s.usedBytes + 100;
  },
  free: async (store) => {
    (store as MemoryStore).maxBytes = Number.POSITIVE_INFINITY;
  },
});
