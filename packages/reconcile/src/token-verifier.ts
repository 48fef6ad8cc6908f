import type { Money } from '@tallystick/core';
import { byDevice } from './lib/device-verifiers.js';
import type { RedemptionCheck, RedemptionVerdict, RedemptionVerifier, VerifiedToken } from './verifier.js';

/**
 * The token fields the adapter reads, as `@tallystick/token` returns them.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { decodeToken } from '@tallystick/token';
 * import { fromTokenVerifier, type TokenFields } from '@tallystick/reconcile';
 * const decodeBound = (text: string): { ok: true; token: TokenFields } | { ok: false } => {
 *   const r = decodeToken(text);
 *   return r.ok ? { ok: true, token: { id: r.token.id, kid: r.token.kid, amount: r.token.amount, audience: r.token.audience, holder: r.token.holder } } : { ok: false };
 * };
 * const verifier = fromTokenVerifier(createVerifier({ keys: [issuer.verificationKey] }), { decodeBound });
 * ```
 */
export interface TokenFields {
  readonly id: string;
  readonly kid: string;
  readonly amount: Money | undefined;
  readonly audience: string | undefined;
  readonly holder: string | undefined;
}

/**
 * The part of an `@tallystick/token` verifier the adapter uses, stated
 * structurally so this package needs no dependency on the token package.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token';
 * import type { TokenBatchVerifier } from '@tallystick/reconcile';
 * const v: TokenBatchVerifier = createVerifier({ keys: [] });
 * ```
 */
export interface TokenBatchVerifier {
  verifyBatch(
    items: ReadonlyArray<{ readonly input: string; readonly now: number }>,
  ): ReadonlyArray<
    | { readonly ok: true; readonly token: TokenFields }
    | { readonly ok: false; readonly code: string; readonly message: string }
  >;
}

/**
 * Options of {@link fromTokenVerifier}.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { decodeToken } from '@tallystick/token';
 * import { fromTokenVerifier, type TokenVerifierOptions } from '@tallystick/reconcile';
 * const options: TokenVerifierOptions = { maxDevices: 256, decodeBound: decodeToken };
 * const verifier = fromTokenVerifier((device) => createVerifier({ keys: [issuer.verificationKey], audience: device }), options);
 * ```
 */
export interface TokenVerifierOptions {
  /** With a per-device factory: how many device verifiers to keep (each prepares its keys once). Default 1024. */
  readonly maxDevices?: number;
  /**
   * A holder-bound token reaches reconciliation without the customer's device
   * presentation: the till checked it at the counter, and any presentation is
   * stale by now. Pass `decodeToken` from `@tallystick/token` to count such a
   * redemption as verified once the verifier's only complaint is
   * `binding_required` (signature, key, time and audience are all checked
   * before it). Without it, it is refused as `binding_required`.
   */
  readonly decodeBound?: (
    input: string,
  ) => { readonly ok: true; readonly token: TokenFields } | { readonly ok: false };
}

/**
 * Adapts `@tallystick/token` verification to the engine's
 * {@link RedemptionVerifier}: each token is checked, in one batch per device,
 * as of the moment the till redeemed it (its HLC wall time), so expiry is
 * judged at the redemption and not at reconciliation. Failure codes pass
 * through (`unknown_key`, `revoked`, `expired`, `wrong_audience`, ...) and
 * become conflicts with that code and message.
 *
 * Pass one verifier to judge every redemption alike, or a factory
 * `(device) => verifier` to judge each one as the till that made it: give that
 * till's verifier its audience names (`createVerifier({ keys, audience: device })`)
 * and a voucher issued to one till but redeemed on another is refused
 * `wrong_audience`. Device verifiers are made once per device and kept (up to
 * `maxDevices`, oldest out first). If the factory throws a RangeError for a
 * device (`createVerifier` does for an audience it cannot take, such as a device
 * id longer than 32 characters), that device's redemptions are refused with code
 * `no_device_verifier` and the error's message; any other error propagates.
 *
 * @throws {TypeError} if `verifier` is neither a factory nor has a `verifyBatch`
 * method, or an option has the wrong type; the returned verifier throws a
 * TypeError when a factory makes something without `verifyBatch`.
 * @throws {RangeError} if `maxDevices` is not a positive integer.
 * @example
 * ```ts
 * import { createIssuer, createVerifier, decodeToken, generateIssuerKey } from '@tallystick/token';
 * import { createMemoryLedger, createReconciler, fromTokenVerifier } from '@tallystick/reconcile';
 * const keys = [createIssuer(generateIssuerKey()).verificationKey];
 * const verifier = fromTokenVerifier((device) => createVerifier({ keys, audience: device }), {
 *   decodeBound: decodeToken,
 * });
 * const reconciler = createReconciler({ ledger: createMemoryLedger(), verifier });
 * ```
 */
export function fromTokenVerifier(
  verifier: TokenBatchVerifier | ((device: string) => TokenBatchVerifier),
  options: TokenVerifierOptions = {},
): RedemptionVerifier {
  const decodeBound = options.decodeBound;
  if (decodeBound !== undefined && typeof decodeBound !== 'function')
    throw new TypeError('options.decodeBound must be a function');
  const judge = (
    results: ReturnType<TokenBatchVerifier['verifyBatch']>,
    checks: readonly RedemptionCheck[],
  ) =>
    results.map((r, i): RedemptionVerdict => {
      if (r.ok) return { ok: true, token: summary(r.token) };
      if (r.code === 'binding_required' && decodeBound) {
        const decoded = decodeBound(checks[i]!.token);
        if (decoded.ok) return { ok: true, token: summary(decoded.token) };
      }
      return { ok: false, code: r.code, message: r.message };
    });
  if (typeof verifier === 'function') {
    const verifyFor = byDevice(verifier, options.maxDevices ?? 1024);
    return {
      verifyBatch(checks) {
        const verdicts = new Array<RedemptionVerdict>(checks.length);
        for (const [device, indices] of groupByDevice(checks)) {
          const mine = indices.map((i) => checks[i]!);
          const v = verifyFor(device);
          const results =
            'refused' in v
              ? mine.map(() => ({ ok: false as const, code: 'no_device_verifier', message: v.refused }))
              : v.verifyBatch(mine.map((c) => ({ input: c.token, now: c.at })));
          judge(results, mine).forEach((verdict, k) => {
            verdicts[indices[k]!] = verdict;
          });
        }
        return verdicts;
      },
    };
  }
  if (typeof verifier?.verifyBatch !== 'function')
    throw new TypeError('verifier must have a verifyBatch method, or be a (device) => verifier factory');
  return {
    verifyBatch: (checks) =>
      judge(verifier.verifyBatch(checks.map((c) => ({ input: c.token, now: c.at }))), checks),
  };
}

function groupByDevice(checks: readonly RedemptionCheck[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  checks.forEach((check, i) => {
    const list = groups.get(check.device);
    if (list) list.push(i);
    else groups.set(check.device, [i]);
  });
  return groups;
}

function summary(token: TokenFields): VerifiedToken {
  const { id, kid, amount, audience, holder } = token;
  return {
    id,
    keyId: kid,
    ...(amount ? { amount } : {}),
    ...(audience !== undefined ? { audience } : {}),
    ...(holder !== undefined ? { holder } : {}),
  };
}
