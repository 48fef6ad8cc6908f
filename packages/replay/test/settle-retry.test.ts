/**
 * Settlements that an outage kept from reaching the store are performed at
 * the key's next claim: a saved response is replayed, a freed key is free,
 * and a settlement that fails for another reason is dropped, never retried
 * forever. Run on the memory store behind a switch that fails every call.
 */
import { TallystickError } from '@tallystick/core';
import { describe, expect, it } from 'vitest';
import { fingerprint, type IdempotencyStore, scopedKey } from '../src/index.js';
import { markAbandonedClaim, settleRetrying } from '../src/lib/settle-retry.js';
import { createMemoryStore } from '../src/memory.js';

const OPTS = { leaseMs: 60_000, ttlMs: 600_000 };
const FP = fingerprint({ amount: 1 });
const RESPONSE = { status: 201, headers: {}, body: 'sold' };

function switchable(inner = createMemoryStore()) {
  const state = { down: false as false | 'outage' | 'broken' };
  const fail = () => {
    if (state.down === 'outage') throw new TallystickError('ERR_SERVICE_UNAVAILABLE', 'down');
    if (state.down === 'broken') throw new TallystickError('ERR_STORE', 'broken');
  };
  const store: IdempotencyStore = {
    claim: async (...args) => {
      fail();
      return inner.claim(...args);
    },
    complete: async (...args) => {
      fail();
      return inner.complete(...args);
    },
    release: async (...args) => {
      fail();
      return inner.release(...args);
    },
  };
  return { state, store, inner };
}

async function claimToken(store: IdempotencyStore, key = scopedKey('s', 'k')): Promise<string> {
  const result = await store.claim(key, FP, OPTS);
  if (result.status !== 'claimed') throw new Error(`expected a claim, got ${result.status}`);
  return result.token;
}

describe('settleRetrying', () => {
  it('stores a response whose completion met the outage at the next claim, which then replays it', async () => {
    const { state, store } = switchable();
    const wrapped = settleRetrying(store);
    const key = scopedKey('s', 'k');
    const token = await claimToken(wrapped, key);
    state.down = 'outage';
    await expect(wrapped.complete(key, token, RESPONSE, OPTS.ttlMs)).rejects.toMatchObject({
      code: 'ERR_SERVICE_UNAVAILABLE',
    });
    await expect(wrapped.claim(key, FP, OPTS)).rejects.toMatchObject({ code: 'ERR_SERVICE_UNAVAILABLE' });
    state.down = false;
    expect(await wrapped.claim(key, FP, OPTS)).toEqual({ status: 'completed', response: RESPONSE });
  });

  it('frees a key whose release met the outage, and one whose claim reply was lost', async () => {
    const { state, store, inner } = switchable();
    const wrapped = settleRetrying(store);
    const key = scopedKey('s', 'r');
    const token = await claimToken(wrapped, key);
    state.down = 'outage';
    await expect(wrapped.release(key, token)).rejects.toBeInstanceOf(TallystickError);
    state.down = false;
    expect((await wrapped.claim(key, FP, OPTS)).status).toBe('claimed');

    // A claim that reached the store but whose reply was lost: the store says which token it used.
    const lost = scopedKey('s', 'lost');
    const written = await claimToken(inner, lost);
    let replyLost = true;
    const lossy: IdempotencyStore = {
      ...store,
      claim: async (...args) => {
        if (replyLost)
          throw markAbandonedClaim(new TallystickError('ERR_SERVICE_UNAVAILABLE', 'lost'), written);
        return store.claim(...args);
      },
    };
    const wrappedLossy = settleRetrying(lossy);
    await expect(wrappedLossy.claim(lost, FP, OPTS)).rejects.toBeInstanceOf(TallystickError);
    replyLost = false;
    // Without the wrapper the key would stay in flight for the whole lease.
    expect((await inner.claim(lost, FP, OPTS)).status).toBe('in_flight');
    expect((await wrappedLossy.claim(lost, FP, OPTS)).status).toBe('claimed');
  });

  it('drops a settlement that fails for another reason instead of failing the key forever', async () => {
    const { state, store } = switchable();
    const wrapped = settleRetrying(store);
    const key = scopedKey('s', 'b');
    const token = await claimToken(wrapped, key);
    state.down = 'outage';
    await expect(wrapped.complete(key, token, RESPONSE, OPTS.ttlMs)).rejects.toBeInstanceOf(TallystickError);
    state.down = 'broken';
    await expect(wrapped.claim(key, FP, OPTS)).rejects.toMatchObject({ code: 'ERR_STORE' });
    state.down = false;
    // The settlement was dropped; the key waits for its lease, as without the wrapper.
    expect((await wrapped.claim(key, FP, OPTS)).status).toBe('in_flight');
  });
});
