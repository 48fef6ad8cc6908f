import { createMemorySpentStore } from '../src/index.js';
import { spentStoreContract } from './spent-contract.js';

spentStoreContract('memory', { open: async () => createMemorySpentStore() });
