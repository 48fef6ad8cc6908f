/**
 * Issue 14 item 3: no silent memory spent store. A verifier without `spent`
 * verifies but refuses to redeem or check (`store_unavailable`), and a store
 * that misbehaves in any way gives `store_unavailable`, never a throw, a
 * rejection or a redemption.
 */
import { describe, expect, it } from 'vitest';
import { createMemorySpentStore, createVerifier, type SpentStore } from '../src/index.js';
import { NOW, setup } from './fixtures.js';
import { throwingGetters, throwingProxy } from './support/hostile.js';

const { issuer, clock } = setup();
const keys = [issuer.verificationKey];
const valid = issuer.issue({ audience: 'store-7', ttlMs: 10 * 60_000 }).qr;

describe('spent store', () => {
  it('without a store, verify works and check and redeem refuse with store_unavailable', async () => {
    const verifier = createVerifier({ keys, audience: 'store-7', clock });
    expect(verifier.spent).toBeUndefined();
    expect(verifier.verify(valid).ok).toBe(true);
    const redeemed = await verifier.redeem(valid);
    expect(redeemed).toMatchObject({ ok: false, code: 'store_unavailable' });
    expect(!redeemed.ok && redeemed.message).toMatch(/no spent store/);
    expect(await verifier.check(valid)).toMatchObject({ ok: false, code: 'store_unavailable' });
    // A bad token still gets its own code first.
    expect(await verifier.redeem('junk')).toMatchObject({ code: 'malformed' });
    expect(await verifier.prune(NOW)).toBe(0);
  });

  it('a restarted verifier with a named memory store is a new memory: that is what naming it means', async () => {
    const first = createVerifier({ keys, audience: 'store-7', clock, spent: createMemorySpentStore() });
    expect((await first.redeem(valid)).ok).toBe(true);
    expect(await first.redeem(valid)).toMatchObject({ code: 'already_spent' });
  });

  const misbehaving: [string, Partial<SpentStore> | object][] = [
    [
      'throws synchronously',
      {
        has: () => {
          throw new Error('sync');
        },
        checkAndAdd: () => {
          throw new Error('sync');
        },
      },
    ],
    [
      'rejects',
      { has: () => Promise.reject(new Error('down')), checkAndAdd: () => Promise.reject(new Error('down')) },
    ],
    [
      'rejects with a value whose toString throws',
      {
        has: () => Promise.reject(throwingGetters(['toString'])),
        checkAndAdd: () =>
          Promise.reject({
            toString() {
              throw new Error('x');
            },
          }),
      },
    ],
    ['answers a non-boolean', { has: async () => 'yes', checkAndAdd: async () => 1 }],
    ['answers undefined', { has: async () => undefined, checkAndAdd: async () => undefined }],
    [
      'returns a thenable whose then throws',
      {
        has: () => ({
          // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
          then() {
            throw new Error('then');
          },
        }),
        checkAndAdd: () => ({
          // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
          then() {
            throw new Error('then');
          },
        }),
      },
    ],
    ['has no methods', {}],
    ['is a throwing Proxy', throwingProxy()],
  ];

  it.each(misbehaving)('a store that %s gives store_unavailable and redeems nothing', async (_, store) => {
    const verifier = createVerifier({ keys, audience: 'store-7', clock, spent: store as SpentStore });
    expect(await verifier.redeem(valid)).toMatchObject({ ok: false, code: 'store_unavailable' });
    expect(await verifier.check(valid)).toMatchObject({ ok: false, code: 'store_unavailable' });
  });
});
