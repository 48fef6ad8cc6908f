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
import {
  fromTokenVerifier,
  type RedemptionCheck,
  type RedemptionVerdict,
  type RedemptionVerifier,
} from '@tallystick/reconcile';
import { createVerifier, decodeToken, type VerificationKey } from '@tallystick/token';

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

/**
 * The reconcile package's per-device token adapter, plus the counters
 * `/metrics` shows.
 */
export function createRedemptionVerifier(
  options: RedemptionVerifierOptions,
): RedemptionVerifier & { readonly stats: RedemptionStats } {
  const audiencesOf = options.audiencesOf ?? ((device: string) => [device]);
  const inner = fromTokenVerifier(
    (device) => createVerifier({ keys: options.keys, audience: [...audiencesOf(device)] }),
    { decodeBound: decodeToken, ...(options.maxDevices ? { maxDevices: options.maxDevices } : {}) },
  );
  const stats: RedemptionStats = { verified: 0, refused: {} };
  return {
    stats,
    async verifyBatch(checks: readonly RedemptionCheck[]): Promise<readonly RedemptionVerdict[]> {
      const verdicts = await inner.verifyBatch(checks);
      for (const verdict of verdicts) {
        if (verdict.ok) stats.verified++;
        else stats.refused[verdict.code] = (stats.refused[verdict.code] ?? 0) + 1;
      }
      return verdicts;
    },
  };
}
