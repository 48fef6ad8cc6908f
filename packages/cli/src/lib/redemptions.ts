import type { RedemptionVerdict, RedemptionVerifier } from '@tallystick/reconcile';
import { createVerifier, decodeToken, type VerificationKey, type Verifier } from '@tallystick/token';

/**
 * Verifies redeemed tokens at reconciliation, in batches, as the redeeming
 * device would have: one verifier per device (its audience is its own id),
 * at the redemption time. A holder-bound token arrives without the customer's
 * presentation (the till checked it, and it is stale by now), so
 * `binding_required` is read as "signature, time and audience are good".
 */
export function redemptionVerifier(keys: readonly VerificationKey[]): RedemptionVerifier {
  const byDevice = new Map<string, Verifier>();
  const verifierOf = (device: string) => {
    let verifier = byDevice.get(device);
    if (!verifier)
      byDevice.set(device, (verifier = createVerifier({ keys, audience: device, terminal: device })));
    return verifier;
  };
  return {
    verifyBatch(checks) {
      const verdicts: RedemptionVerdict[] = new Array(checks.length);
      const groups = new Map<string, number[]>();
      for (const [i, check] of checks.entries()) {
        const group = groups.get(check.device);
        if (group) group.push(i);
        else groups.set(check.device, [i]);
      }
      for (const [device, indexes] of groups) {
        const results = verifierOf(device).verifyBatch(
          indexes.map((i) => ({ input: checks[i]!.token, now: checks[i]!.at })),
        );
        indexes.forEach((index, k) => {
          const result = results[k]!;
          const token = result.ok
            ? result.token
            : result.code === 'binding_required'
              ? decoded(checks[index]!.token)
              : undefined;
          verdicts[index] = token
            ? {
                ok: true,
                token: {
                  id: token.id,
                  keyId: token.kid,
                  ...(token.amount ? { amount: token.amount } : {}),
                  ...(token.audience !== undefined ? { audience: token.audience } : {}),
                  ...(token.holder !== undefined ? { holder: token.holder } : {}),
                },
              }
            : {
                ok: false,
                code: result.ok ? 'malformed' : result.code,
                message: result.ok ? '' : result.message,
              };
        });
      }
      return verdicts;
    },
  };
}

function decoded(text: string) {
  const result = decodeToken(text);
  return result.ok ? result.token : undefined;
}
