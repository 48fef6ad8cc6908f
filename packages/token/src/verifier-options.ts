import type { Clock } from '@tallystick/core';
import type { SignatureBackend } from './crypto/index.js';
import type { VerificationKey } from './keys.js';
import type { TokenInput } from './lib/input.js';
import type { RedeemResult } from './redemption.js';
import type { VerifyResult } from './result.js';
import type { RevocationList } from './revocation.js';
import type { SpentStore } from './spent-store.js';

/**
 * The default clock skew: 60 s. Tokens normally live 5 to 30 minutes, so this
 * widens a window by 3 to 20 %, while absorbing a terminal clock that drifts
 * at a typical 20 ppm (1.7 s a day) for a month offline, or one set by hand to
 * the nearest minute. Larger values lengthen every token's life and every
 * screenshot's; set 0 where clocks are trusted (NTP, GNSS).
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { DEFAULT_CLOCK_SKEW_MS } from '@tallystick/token';
 * // A terminal whose clock is known to drift further: twice the default 60 s.
 * const verifier = createVerifier({ keys: [issuer.verificationKey], clockSkewMs: 2 * DEFAULT_CLOCK_SKEW_MS });
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
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { DEFAULT_PRESENTATION_WINDOW_MS } from '@tallystick/token';
 * // A slow scanner: presentations stay fresh for 45 s instead of 30 s.
 * const verifier = createVerifier({ keys: [issuer.verificationKey], presentationWindowMs: 1.5 * DEFAULT_PRESENTATION_WINDOW_MS });
 * ```
 */
export const DEFAULT_PRESENTATION_WINDOW_MS = 30_000;

/**
 * Options of {@link createVerifier}.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { VerifierOptions } from '@tallystick/token';
 * const options: VerifierOptions = { keys: [issuer.verificationKey], audience: ['store-7', 'lane-2'], clockSkewMs: 30_000 };
 * const verifier = createVerifier(options);
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
  /**
   * Where redemptions are recorded. There is no default: without a store,
   * `verify` and `verifyBatch` work but `check` and `redeem` refuse every
   * token with `store_unavailable`, because a store that forgets on restart
   * would let a restarted till accept the same voucher again. Name the memory
   * store (`createMemorySpentStore()`) when that is what you mean.
   */
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
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { BatchItem } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey] });
 * const items: BatchItem[] = [{ input: issuer.issue({ ttlMs: 60_000 }).qr }, { input: 'TS1:...', now: 1_767_225_600_000 }];
 * verifier.verifyBatch(items).map((r) => r.ok); // [true, false]
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
  /**
   * Verifies without recording anything. Never throws, on any value of any
   * type; the work is bounded by the input cap. A `now` that is given but is
   * not a number from 0 to 8.64e15 (NaN, ±Infinity, negative, a string) is
   * refused as `malformed`, as is a clock that returns one.
   */
  verify(input: TokenInput, options?: VerifyOptions): VerifyResult;
  /**
   * Same verdicts as `verify` for each item (its `now`, else `options.now`,
   * else the clock), with the issuer signatures checked as one batch. Never
   * throws; a value that is not an array, or one of more than 2^20 items,
   * gets an empty array.
   */
  verifyBatch(
    items: ReadonlyArray<TokenInput | BatchItem>,
    options?: { readonly now?: number },
  ): VerifyResult[];
  /**
   * `verify`, then whether the spent store already has the token
   * (`already_spent`). Records nothing. Never rejects: a missing, throwing or
   * rejecting store gives `store_unavailable`.
   */
  check(input: TokenInput, options?: VerifyOptions): Promise<VerifyResult>;
  /**
   * `verify`, then an atomic check-and-add in the spent store: of concurrent
   * redeems of one token, one wins. Never rejects: without a store, or when
   * the store throws, rejects or answers anything but a boolean, the result is
   * `store_unavailable` and the token is not redeemed.
   */
  redeem(input: TokenInput, options?: VerifyOptions): Promise<RedeemResult>;
  /** Forgets spent ids that can no longer verify (expired plus skew); resolves how many (0 without a store). Rejects with a RangeError for an unusable `now`. */
  prune(now?: number): Promise<number>;
  /** Replaces the key set (rotation); keys are prepared once, here. @throws as {@link createVerifier}. */
  updateKeys(keys: readonly VerificationKey[]): void;
  /** Replaces the revocation list, e.g. after a download. */
  updateRevocations(list: RevocationList | undefined): void;
  /** The store given as `spent`, if any. */
  readonly spent: SpentStore | undefined;
  /** The clock a call without `now` reads (the `clock` option, or the system clock). */
  readonly clock: Clock;
  /** The skew in force, ms: spent entries are kept until expiry plus this. */
  readonly clockSkewMs: number;
}
