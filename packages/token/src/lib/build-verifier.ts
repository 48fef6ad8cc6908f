import { systemClock } from '@tallystick/core';
import { type PreparedKey, verifyPrepared } from '../crypto/index.js';
import type { VerifyResult } from '../result.js';
import { createMemorySpentStore } from '../spent-store.js';
import {
  type BatchItem,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from '../verifier-options.js';
import type { Policy } from './checks.js';
import { isAudience } from './encode.js';
import { fail } from './fail.js';
import { isBytes } from './input.js';
import { buildKeySet, type KeySet } from './key-set.js';
import { type Pending, pend, settle } from './pending.js';
import { redemptionOf } from './redemption-of.js';

/**
 * Checks many signatures at once; must give, item by item, the verdict
 * `verifyPrepared` would. Injected so the verify-only entry can leave the
 * multi-scalar batch code out of its bundle.
 */
export type BatchCheck = (
  items: ReadonlyArray<{ key: PreparedKey; signature: Uint8Array; message: Uint8Array }>,
) => boolean[];

export function buildVerifier(options: VerifierOptions, verifyBatchSignatures: BatchCheck): Verifier {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'noble' && backend !== 'native') {
    throw new RangeError("backend must be 'auto', 'noble' or 'native'");
  }
  let keys: KeySet = buildKeySet(options.keys, backend);
  const audiences = audienceSet(options.audience);
  const clock = options.clock ?? systemClock;
  const spent = options.spent ?? createMemorySpentStore();
  const terminal = options.terminal ?? (audiences ? [...audiences][0] : undefined);
  let policy: Policy = {
    skewMs: duration(options.clockSkewMs, DEFAULT_CLOCK_SKEW_MS, 'clockSkewMs'),
    presentationWindowMs: duration(
      options.presentationWindowMs,
      DEFAULT_PRESENTATION_WINDOW_MS,
      'presentationWindowMs',
    ),
    audiences,
    revoked: options.revoked,
    backend,
  };

  function verifyAt(input: unknown, o: VerifyOptions | undefined, now: number): VerifyResult {
    const p = pend(input, o, keys);
    if (!p.ok) return p;
    const signatureOk = verifyPrepared(p.entry.key, p.signature, p.message);
    return settle(p, signatureOk, policy, now);
  }

  function nowOf(o: VerifyOptions | undefined): number {
    const now = o?.now;
    return typeof now === 'number' && Number.isFinite(now) ? now : clock.now();
  }

  return {
    spent,
    clock,
    clockSkewMs: policy.skewMs,
    verify(input, o) {
      if (o?.now !== undefined && !Number.isFinite(o.now))
        return fail('malformed', 'options.now is not a finite number');
      return verifyAt(input, o, nowOf(o));
    },
    verifyBatch(items, o) {
      const fallbackNow = typeof o?.now === 'number' ? o.now : clock.now();
      const pending: (Pending | VerifyResult)[] = [];
      const batch: { key: Pending['entry']['key']; signature: Uint8Array; message: Uint8Array }[] = [];
      for (const item of items) {
        const itemOptions = isItem(item) ? item : undefined;
        const p = pend(itemOptions ? itemOptions.input : item, itemOptions, keys);
        pending.push(p);
        if (p.ok) batch.push({ key: p.entry.key, signature: p.signature, message: p.message });
      }
      const verdicts = verifyBatchSignatures(batch);
      let next = 0;
      return pending.map((p, i) => {
        if (!('entry' in p)) return p;
        const item = items[i];
        const now = isItem(item) && typeof item.now === 'number' ? item.now : fallbackNow;
        return settle(p, verdicts[next++] === true, policy, now);
      });
    },
    async check(input, o) {
      const now = nowOf(o);
      const result = verifyAt(input, o, now);
      if (!result.ok) return result;
      try {
        if (await spent.has(result.token.id)) return fail('already_spent', 'token was already redeemed here');
      } catch (error) {
        return fail('store_unavailable', `spent store failed: ${String(error)}`);
      }
      return result;
    },
    async redeem(input, o) {
      const now = nowOf(o);
      const result = verifyAt(input, o, now);
      if (!result.ok) return result;
      const { token } = result;
      let won: boolean;
      try {
        won = await spent.checkAndAdd(token.id, token.expiresAt + policy.skewMs, now);
      } catch (error) {
        return fail('store_unavailable', `spent store failed, not redeemed: ${String(error)}`);
      }
      if (!won) return fail('already_spent', 'token was already redeemed here');
      return { ok: true, token, redemption: redemptionOf(token, terminal, now) };
    },
    prune(now) {
      return spent.prune(now ?? clock.now());
    },
    updateKeys(next) {
      keys = buildKeySet(next, backend);
    },
    updateRevocations(list) {
      policy = { ...policy, revoked: list };
    },
  };
}

function isItem(value: unknown): value is BatchItem {
  return typeof value === 'object' && value !== null && !isBytes(value) && 'input' in value;
}

function audienceSet(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0)
    throw new TypeError('audience must be a string or a non-empty array');
  for (const name of list) {
    if (!isAudience(name)) throw new RangeError('each audience must be 1 to 32 visible ASCII characters');
  }
  return new Set(list as string[]);
}

function duration(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of milliseconds`);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0`);
  return value;
}
