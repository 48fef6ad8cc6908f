import { type Clock, systemClock } from '@tallystick/core';
import {
  type SignatureBackend,
  verifyBatch as verifyBatchSignatures,
  verifyPrepared,
} from './crypto/index.js';
import type { VerificationKey } from './keys.js';
import type { Policy } from './lib/checks.js';
import { isAudience } from './lib/encode.js';
import { fail } from './lib/fail.js';
import { isBytes, type TokenInput } from './lib/input.js';
import { buildKeySet, type KeySet } from './lib/key-set.js';
import { type Pending, pend, settle } from './lib/pending.js';
import { redemptionOf } from './lib/redemption-of.js';
import type { RedeemResult } from './redemption.js';
import type { VerifyResult } from './result.js';
import type { RevocationList } from './revocation.js';
import { createMemorySpentStore, type SpentStore } from './spent-store.js';

/**
 * The default clock skew: 60 s. Tokens normally live 5 to 30 minutes, so this
 * widens a window by 3 to 20 %, while absorbing a terminal clock that drifts
 * at a typical 20 ppm (1.7 s a day) for a month offline, or one set by hand to
 * the nearest minute. Larger values lengthen every token's life and every
 * screenshot's; set 0 where clocks are trusted (NTP, GNSS).
 *
 * @example
 * ```ts
 * import { DEFAULT_CLOCK_SKEW_MS } from '@tallystick/token';
 * DEFAULT_CLOCK_SKEW_MS; // 60000
 * ```
 */
export const DEFAULT_CLOCK_SKEW_MS = 60_000;

/**
 * How long after the device made it a holder presentation is accepted: 30 s
 * (plus the skew), the period of a TOTP code and of Google Wallet rotating
 * barcodes. A screenshot is useless once this has passed.
 *
 * @example
 * ```ts
 * import { DEFAULT_PRESENTATION_WINDOW_MS } from '@tallystick/token';
 * DEFAULT_PRESENTATION_WINDOW_MS; // 30000
 * ```
 */
export const DEFAULT_PRESENTATION_WINDOW_MS = 30_000;

/**
 * Options of {@link createVerifier}.
 *
 * @example
 * ```ts
 * import type { VerifierOptions } from '@tallystick/token';
 * const options: VerifierOptions = { keys: [], audience: ['store-7', 'lane-2'], clockSkewMs: 30_000 };
 * ```
 */
export interface VerifierOptions {
  /** The issuer public keys this terminal trusts, with their validity windows. */
  readonly keys: readonly VerificationKey[];
  /** This terminal's names (its own id and its groups). Tokens naming any other audience are refused. */
  readonly audience?: string | readonly string[];
  /** Tolerance for clock differences, ms; {@link DEFAULT_CLOCK_SKEW_MS} by default. */
  readonly clockSkewMs?: number;
  /** How old a holder presentation may be, ms; {@link DEFAULT_PRESENTATION_WINDOW_MS} by default. */
  readonly presentationWindowMs?: number;
  /** The time source when a call gives no `now`; the system clock by default. */
  readonly clock?: Clock;
  /** Where redemptions are recorded; a fresh in-memory store by default. */
  readonly spent?: SpentStore;
  /** Revoked keys and tokens, loaded from the issuer while online. */
  readonly revoked?: RevocationList;
  /** Signature backend: 'auto' (native when present, else pure JS) by default. */
  readonly backend?: SignatureBackend;
  /** The id recorded as `terminal` in redemptions; the first audience by default. */
  readonly terminal?: string;
}

/**
 * Per-call options of `verify`, `check` and `redeem`.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from '@tallystick/token';
 * const options: VerifyOptions = { now: Date.UTC(2026, 0, 1, 12) };
 * ```
 */
export interface VerifyOptions {
  /** Trusted current time, epoch ms, instead of the verifier's clock. */
  readonly now?: number;
  /** The device's presentation (101 bytes or their base64url) when it did not come as TP1: text. */
  readonly presentation?: Uint8Array | string;
  /** The challenge this terminal showed the device, if it uses challenges. */
  readonly challenge?: Uint8Array;
}

/**
 * One backlog item for `verifyBatch`: an input with its own time and presentation.
 *
 * @example
 * ```ts
 * import type { BatchItem } from '@tallystick/token';
 * const item: BatchItem = { input: 'TS1:...', now: 1_767_225_600_000 };
 * ```
 */
export interface BatchItem extends VerifyOptions {
  readonly input: TokenInput;
}

/**
 * A terminal's verifier. See {@link createVerifier}.
 *
 * @example
 * ```ts
 * import { createVerifier, type Verifier } from '@tallystick/token';
 * const verifier: Verifier = createVerifier({ keys: [] });
 * ```
 */
export interface Verifier {
  /** Verifies without recording anything. Never throws; the work is bounded by the input cap. */
  verify(input: TokenInput, options?: VerifyOptions): VerifyResult;
  /** Same verdicts as `verify` for each item, with the issuer signatures checked as one batch. */
  verifyBatch(
    items: ReadonlyArray<TokenInput | BatchItem>,
    options?: { readonly now?: number },
  ): VerifyResult[];
  /** `verify`, then whether the spent store already has the token (`already_spent`). Records nothing. */
  check(input: TokenInput, options?: VerifyOptions): Promise<VerifyResult>;
  /** `verify`, then an atomic check-and-add in the spent store: of concurrent redeems of one token, one wins. */
  redeem(input: TokenInput, options?: VerifyOptions): Promise<RedeemResult>;
  /** Forgets spent ids that can no longer verify (expired plus skew); resolves how many. */
  prune(now?: number): Promise<number>;
  /** Replaces the key set (rotation); keys are prepared once, here. @throws as {@link createVerifier}. */
  updateKeys(keys: readonly VerificationKey[]): void;
  /** Replaces the revocation list, e.g. after a download. */
  updateRevocations(list: RevocationList | undefined): void;
  readonly spent: SpentStore;
}

/**
 * Creates an offline verifier for a terminal: keys are prepared once per key
 * id, and `verify` is synchronous, never throws, and allocates only the
 * decoded token.
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if a kid, a window or an audience is malformed, or a kid repeats.
 * @throws {TallystickError} `ERR_KEY` if a public key is not a valid Ed25519 key.
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * const issuer = createIssuer(key);
 * const verifier = createVerifier({ keys: [issuer.verificationKey], audience: 'store-7' });
 * const { qr } = issuer.issue({ audience: 'store-7', amount: { amount: 500, currency: 'EUR' } });
 * const result = await verifier.redeem(qr);
 * if (result.ok) console.log('redeemed', result.redemption.amount);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
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
    verify(input, o) {
      if (o?.now !== undefined && !Number.isFinite(o.now))
        return fail('malformed', 'options.now must be a finite number');
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
