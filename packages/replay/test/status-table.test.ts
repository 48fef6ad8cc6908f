/**
 * One status table for both ends of a delivery: what replay stores as a final
 * answer is always one the queue's sender gives up on or acks, and every
 * status the sender retries is one replay never stores. Otherwise a sender
 * retries an answer replay keeps replaying (a retry loop forever). Refusals
 * (400, 401, 413, …) are the one class that is final for the sender yet not
 * stored: nothing ran, a retry is refused again, and storing them would let
 * junk keys fill the store.
 */
import { classifyHttpStatus } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRefusedResponse, isRetryableResponse, runIdempotent, scopedKey } from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';

describe('the HTTP status table replay shares with the sender', () => {
  it('law: a returned status is stored exactly when the sender would not retry it and it is no refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 599 }), async (status) => {
        const store = createMemoryStore();
        const key = scopedKey('m', `s-${status}`);
        const handler = async () => ({ status, headers: {}, body: '' });
        const first = await runIdempotent({ store, key, fingerprint: 'f', handler });
        const stored = first.kind === 'executed' && first.disposition === 'stored';
        const response = { status, headers: {}, body: '' };
        const refused = isRefusedResponse(response);
        expect(stored).toBe(classifyHttpStatus(status) !== 'retry' && !refused);
        expect(isRetryableResponse(response)).toBe(classifyHttpStatus(status) === 'retry');
        // A refusal is final for the sender, so it never loops on an unstored answer.
        if (refused) expect(classifyHttpStatus(status)).toBe('permanent');
        // What was not stored runs again; what was stored replays.
        const second = await runIdempotent({ store, key, fingerprint: 'f', handler });
        expect(second.kind).toBe(stored ? 'replayed' : 'executed');
      }),
      { numRuns: 300 },
    );
  });

  it('never stores a 5xx: the server failed, so the client must be able to try again', async () => {
    for (const status of [500, 501, 502, 503, 504, 507, 599]) {
      expect(isRetryableResponse({ status, headers: {}, body: '' }), String(status)).toBe(true);
    }
    for (const status of [200, 201, 204, 301, 400, 402, 404, 413, 415, 422]) {
      expect(isRetryableResponse({ status, headers: {}, body: '' }), String(status)).toBe(false);
    }
  });
});
