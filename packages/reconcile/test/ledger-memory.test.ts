import { createMemoryLedger } from '@tallystick/reconcile';
import { ledgerContract } from './support/ledger-contract.js';

ledgerContract('memory', async () => createMemoryLedger(), 50);
