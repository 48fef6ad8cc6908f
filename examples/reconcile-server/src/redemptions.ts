/**
 * How the server re-verifies redeemed tokens during reconciliation, with the
 * real `@tallystick/token` verifier and its batch signature check.
 *
 * Two choices differ from a till's verifier, on purpose:
 * - Audience: a till knows its own names; the server judges each redemption
 *   as the till that made it (`audiencesOf(device)`), so a code issued to
 *   till A and redeemed on till B is flagged, and one redeemed on A is not.
 * - Holder binding: the device presentation proves possession at the till,
 *   within 30 s. The server sees the redemption hours later, when any
 *   presentation is stale by design, so it accepts `binding_required` once
 *   every check before it (signature, key, time, audience) has passed. The
 *   screenshot replay is the till's to refuse, offline, at the counter.
 */
import type { RedemptionCheck, RedemptionVerdict, RedemptionVerifier } from '@tallystick/reconcile';
import {
  createVerifier,
  decodeToken,
  type Token,
  type VerificationKey,
  type Verifier,
  type VerifyResult,
} from '@tallystick/token';

/** Options for {@link createRedemptionVerifier}. */
export interface RedemptionVerifierOptions {
  readonly keys: readonly VerificationKey[];
  /** The audience names a device answers to. Default: its own id only. */
  readonly audiencesOf?: (device: string) => readonly string[];
  /** Verifiers kept, one per device (their keys are prepared once each). Default 1024. */
  readonly maxDevices?: number;
}

/** Counts of verification outcomes, for `/metrics`. */
export interface RedemptionStats {
  verified: number;
  refused: Record<string, number>;
}

/** A {@link RedemptionVerifier} for the reconciler, plus its counters. */
export function createRedemptionVerifier(
  options: RedemptionVerifierOptions,
): RedemptionVerifier & { readonly stats: RedemptionStats } {
  const audiencesOf = options.audiencesOf ?? ((device: string) => [device]);
  const maxDevices = options.maxDevices ?? 1024;
  const verifiers = new Map<string, Verifier>();
  const stats: RedemptionStats = { verified: 0, refused: {} };

  const verifierFor = (device: string): Verifier => {
    let verifier = verifiers.get(device);
    if (!verifier) {
      // Oldest first out: a Map iterates in insertion order.
      if (verifiers.size >= maxDevices) verifiers.delete(verifiers.keys().next().value!);
      verifier = createVerifier({ keys: options.keys, audience: [...audiencesOf(device)] });
      verifiers.set(device, verifier);
    }
    return verifier;
  };

  return {
    stats,
    verifyBatch(checks: readonly RedemptionCheck[]): RedemptionVerdict[] {
      const verdicts = new Array<RedemptionVerdict>(checks.length);
      const byDevice = new Map<string, number[]>();
      checks.forEach((check, i) => {
        const list = byDevice.get(check.device);
        if (list) list.push(i);
        else byDevice.set(check.device, [i]);
      });
      for (const [device, indices] of byDevice) {
        const items = indices.map((i) => ({ input: checks[i]!.token, now: checks[i]!.at }));
        const results = verifierFor(device).verifyBatch(items);
        indices.forEach((checkIndex, j) => {
          const verdict = toVerdict(results[j]!, checks[checkIndex]!.token);
          if (verdict.ok) stats.verified++;
          else stats.refused[verdict.code] = (stats.refused[verdict.code] ?? 0) + 1;
          verdicts[checkIndex] = verdict;
        });
      }
      return verdicts;
    },
  };
}

function toVerdict(result: VerifyResult, input: string): RedemptionVerdict {
  if (result.ok) return { ok: true, token: summary(result.token) };
  if (result.code === 'binding_required') {
    // Everything before the binding check passed (see the module comment).
    const decoded = decodeToken(input);
    if (decoded.ok) return { ok: true, token: summary(decoded.token) };
  }
  return { ok: false, code: result.code, message: result.message };
}

function summary(token: Token): Extract<RedemptionVerdict, { ok: true }>['token'] {
  return {
    id: token.id,
    keyId: token.kid,
    ...(token.amount ? { amount: token.amount } : {}),
    ...(token.audience !== undefined ? { audience: token.audience } : {}),
    ...(token.holder !== undefined ? { holder: token.holder } : {}),
  };
}
