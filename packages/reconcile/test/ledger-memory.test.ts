import { createMemoryLedger } from '@tallystick/reconcile';
import { ledgerContract } from './support/ledger-contract.js';
import { poisonContract } from './support/poison-contract.js';

ledgerContract('memory', async () => createMemoryLedger(), 50);
poisonContract('memory', async () => createMemoryLedger());
