/**
 * The one SpentStore contract every implementation must pass (memory, file,
 * Redis). Stores whose entries expire by themselves (Redis) declare it and
 * skip the explicit-prune cases.
 */
import { encodeHex } from '@tallystick/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier, type SpentStore } from '../src/index.js';
import { setup } from './fixtures.js';

export interface ContractOptions {
  /** Opens a fresh, empty store. */
  open: () => Promise<SpentStore>;
  /** The store forgets entries at keepUntil on its own; prune is a no-op. */
  expiresItself?: boolean;
}

const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const T0 = Date.now();
/** Ten minutes out: long enough for any test, short enough that Redis keys clean themselves up. */
const FAR = T0 + 600_000;

export function spentStoreContract(name: string, options: ContractOptions): void {
  describe(`SpentStore contract: ${name}`, () => {
    let store: SpentStore;
    beforeEach(async () => {
      store = await options.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('check-and-add records once: first call wins, later calls lose', async () => {
      const a = id();
      expect(await store.has(a)).toBe(false);
      expect(await store.checkAndAdd(a, FAR, T0)).toBe(true);
      expect(await store.has(a)).toBe(true);
      expect(await store.checkAndAdd(a, FAR, T0)).toBe(false);
      expect(await store.checkAndAdd(id(), FAR, T0)).toBe(true);
    });

    it('of 50 concurrent check-and-adds of one id, exactly one wins', async () => {
      for (let round = 0; round < 5; round++) {
        const a = id();
        const results = await Promise.all(Array.from({ length: 50 }, () => store.checkAndAdd(a, FAR, T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    });

    it('concurrent check-and-adds of distinct ids all win', async () => {
      const ids = Array.from({ length: 100 }, id);
      const results = await Promise.all(ids.map((x) => store.checkAndAdd(x, FAR, T0)));
      expect(results.every(Boolean)).toBe(true);
      for (const x of ids) expect(await store.has(x)).toBe(true);
    });

    it('rejects malformed ids instead of recording them', async () => {
      await expect(store.checkAndAdd('not-an-id', FAR, T0)).rejects.toThrow();
      await expect(store.checkAndAdd('AB'.repeat(16), FAR, T0)).rejects.toThrow();
    });

    it.skipIf(options.expiresItself)('prune forgets exactly the ids whose keepUntil has passed', async () => {
      const now = Date.UTC(2026, 0, 1);
      const old = id();
      const edge = id();
      const live = id();
      await store.checkAndAdd(old, now - 1, now - 1000);
      await store.checkAndAdd(edge, now, now - 1000);
      await store.checkAndAdd(live, now + 1, now - 1000);
      expect(await store.prune(now)).toBe(2);
      expect(await store.has(old)).toBe(false);
      expect(await store.has(edge)).toBe(false);
      expect(await store.has(live)).toBe(true);
      expect(await store.prune(now)).toBe(0);
    });

    it('rejects a keepUntil that is not a time, recording nothing', async () => {
      for (const bad of [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        '1',
        undefined,
        null,
      ]) {
        const a = id();
        await expect(store.checkAndAdd(a, bad as number, T0)).rejects.toThrow();
        expect(await store.has(a)).toBe(false);
      }
    });

    it.skipIf(options.expiresItself)(
      'prune refuses a now that is not a time (a clock glitch) and forgets nothing',
      async () => {
        const a = id();
        await store.checkAndAdd(a, FAR, T0);
        // Infinity would forget every token ever redeemed, so each could be redeemed again.
        for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, '9'.repeat(20), undefined, null, {}]) {
          await expect(store.prune(bad as number)).rejects.toThrow(/now/);
          expect(await store.has(a)).toBe(true);
        }
        expect(await store.prune(T0)).toBe(0);
      },
    );

    it.runIf(options.expiresItself)('entries expire by themselves at keepUntil', async () => {
      const a = id();
      expect(await store.checkAndAdd(a, Date.now() + 150, Date.now())).toBe(true);
      expect(await store.has(a)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await store.has(a)).toBe(false);
      expect(await store.prune(Date.now())).toBe(0);
    });

    it('through a verifier: of concurrent redeems of one token, exactly one wins', async () => {
      const { issuer, clock } = setup();
      const verifier = createVerifier({
        keys: [issuer.verificationKey],
        audience: 'store-7',
        clock,
        spent: store,
      });
      for (let round = 0; round < 3; round++) {
        // Real-time expiry, so stores that expire entries by wall time keep them for the test.
        const { qr } = issuer.issue({ audience: 'store-7', ttlMs: 3_600_000 });
        const now = clock.now();
        const results = await Promise.all(Array.from({ length: 20 }, () => verifier.redeem(qr, { now })));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.code === 'already_spent')).toHaveLength(19);
        expect((await verifier.check(qr, { now })).ok).toBe(false);
      }
    });
  });
}
