/**
 * The one setup the redeemer suites share: an issuer and a verifier on a
 * manual clock, a spent store (memory unless given), and a memory outbox
 * that never delivers, so what a test sees in it is what the redeemer put there.
 */
import { createManualClock } from '@tallystick/core';
import { createIntentQueue } from '@tallystick/queue';
import { createMemoryStore } from '@tallystick/queue/memory';
import { createIssuer, createMemorySpentStore, createVerifier, type SpentStore } from '../../src/index.js';
import { ISSUER_KEY, NOW } from '../fixtures.js';

export const DEVICE = 'till-1';

/** A memory outbox for {@link DEVICE}, with its store. */
export function memoryQueue() {
  const store = createMemoryStore();
  const queue = createIntentQueue({ store, device: DEVICE, send: async () => [], autoDeliver: false });
  return { store, queue };
}

export function world(spent: SpentStore = createMemorySpentStore()) {
  const clock = createManualClock(NOW);
  const issuer = createIssuer({ secretKey: ISSUER_KEY.secretKey, kid: ISSUER_KEY.kid, clock });
  const verifier = createVerifier({ keys: [issuer.verificationKey], clock, spent });
  const voucher = () => issuer.issue({ amount: { amount: 500, currency: 'EUR' } });
  return { clock, issuer, verifier, voucher, spent, ...memoryQueue() };
}
