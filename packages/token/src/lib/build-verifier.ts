import { systemClock } from '@tallystick/core';
import { type PreparedKey, verifyPrepared } from '../crypto/index.js';
import type { RedeemResult } from '../redemption.js';
import type { VerifyFailure, VerifyResult } from '../result.js';
import {
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type Verifier,
  type VerifierOptions,
} from '../verifier-options.js';
import type { Policy } from './checks.js';
import { isAudience } from './encode.js';
import { fail } from './fail.js';
import { isBytes } from './input.js';
import { buildKeySet, type KeySet } from './key-set.js';
import { type Call, type Pending, pend, readCall, settle } from './pending.js';
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
  // No default: a memory store would forget every redemption on restart.
  const spent = options.spent;
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

  function verifyAt(call: Call): VerifyResult {
    const p = pend(call, keys);
    return p.ok ? settle(p, verifyPrepared(p.entry.key, p.signature, p.message), policy, call.now) : p;
  }

  /** check (`record` false) and redeem (true): verify, then ask the store. Never rejects. */
  async function spend(input: unknown, o: unknown, record: boolean): Promise<RedeemResult> {
    const call = readCall(input, o, false, undefined, clock);
    const result = 'ok' in call ? call : verifyAt(call);
    if (!result.ok) return result;
    if (!spent) return NO_STORE;
    const { token } = result;
    const now = (call as Call).now;
    let answer: unknown;
    try {
      answer = await (record
        ? spent.checkAndAdd(token.id, token.expiresAt + policy.skewMs, now)
        : spent.has(token.id));
    } catch (error) {
      return storeFailed(error);
    }
    // Only a boolean is an answer; anything else might hide a failed write.
    if (typeof answer !== 'boolean') return storeFailed(answer);
    if (answer !== record) return fail('already_spent', 'token already redeemed here');
    return record
      ? { ok: true, token, redemption: redemptionOf(token, terminal, now) }
      : (result as RedeemResult);
  }

  return {
    spent,
    clock,
    clockSkewMs: policy.skewMs,
    verify(input, o) {
      const call = readCall(input, o, false, undefined, clock);
      return 'ok' in call ? call : verifyAt(call);
    },
    verifyBatch(items, o) {
      const list = itemsOf(items);
      if (list === undefined) return [];
      const shared = readCall(undefined, o, false, undefined, clock);
      const signatures: Parameters<BatchCheck>[0][number][] = [];
      // Everything but the issuer signature, item by item, exactly as verify does it.
      const pending = list.map((item): Pending | VerifyResult => {
        if ('ok' in shared) return shared;
        const isItem = typeof item === 'object' && item !== null && !isBytes(item);
        const call = readCall(item, isItem ? item : undefined, isItem, shared.now, clock);
        const p = 'ok' in call ? call : pend(call, keys);
        if (p.ok) signatures.push({ key: p.entry.key, signature: p.signature, message: p.message });
        return p;
      });
      const verdicts = verifyBatchSignatures(signatures);
      let next = 0;
      return pending.map((p) => ('entry' in p ? settle(p, verdicts[next++] === true, policy, p.now) : p));
    },
    check(input, o) {
      return spend(input, o, false) as Promise<VerifyResult>;
    },
    redeem(input, o) {
      return spend(input, o, true);
    },
    async prune(now) {
      const call = readCall(undefined, { now }, false, undefined, clock);
      if ('ok' in call) throw new RangeError(call.message);
      return spent ? spent.prune(call.now) : 0;
    },
    updateKeys(next) {
      keys = buildKeySet(next, backend);
    },
    updateRevocations(list) {
      policy = { ...policy, revoked: list };
    },
  };
}

/** Most items one verifyBatch call takes; a longer list gets no verdicts at all. */
const MAX_BATCH_ITEMS = 1 << 20;

const NO_STORE = fail('store_unavailable', 'no spent store given');

/** The items copied out, each read once; undefined for a non-array, one too long, or one whose reads throw. */
function itemsOf(items: unknown): unknown[] | undefined {
  try {
    if (!Array.isArray(items)) return undefined;
    const n = items.length;
    if (!(n <= MAX_BATCH_ITEMS)) return undefined;
    const list = new Array<unknown>(n);
    for (let i = 0; i < n; i++) list[i] = items[i];
    return list;
  } catch {
    return undefined;
  }
}

function storeFailed(reason: unknown): VerifyFailure {
  let text = '?';
  try {
    text = String(reason);
  } catch {}
  return fail('store_unavailable', `spent store failed: ${text}`);
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
