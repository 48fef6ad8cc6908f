import { createManualClock, isTallystickError } from '@tallystick/core';
import { describe, expect, it } from 'vitest';
import { fingerprint, scopedKey } from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';
import { storeContract } from './contract.js';
import { quotaContract } from './quota-contract.js';

storeContract('memory', async (clock) => ({ store: createMemoryStore({ clock }), close: async () => {} }), {
  modelRuns: 1000,
});
quotaContract(
  'memory',
  async (clock, quota) => ({ store: createMemoryStore({ clock, quota }), close: async () => {} }),
  200,
);

describe('memory store specifics', () => {
  const options = { leaseMs: 1_000, ttlMs: 10_000 };

  it('sweeps expired records when full, and refuses rather than forget a live key', async () => {
    const clock = createManualClock(0);
    const store = createMemoryStore({ clock, maxEntries: 2 });
    const fp = fingerprint(1);
    await store.claim(scopedKey('s', 'a'), fp, options);
    await store.claim(scopedKey('s', 'b'), fp, options);
    const full = await store.claim(scopedKey('s', 'c'), fp, options).catch((e: unknown) => e);
    expect(isTallystickError(full, 'ERR_STORE')).toBe(true);
    expect(store.size).toBe(2);
    clock.advance(10_000);
    expect((await store.claim(scopedKey('s', 'c'), fp, options)).status).toBe('claimed');
    expect(store.size).toBe(1);
  });

  it('rejects a non-positive maxEntries, and a quota that is not two positive integers', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createMemoryStore({ quota: { maxKeys: 0, windowMs: 1_000 } })).toThrow(RangeError);
    expect(() => createMemoryStore({ quota: { maxKeys: 10, windowMs: 0.5 } })).toThrow(RangeError);
    expect(() => createMemoryStore({ quota: 5 as never })).toThrow(TypeError);
  });
});
