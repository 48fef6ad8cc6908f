import type { TokenBatchVerifier } from '../token-verifier.js';

/**
 * One verifier per redeeming device, made on first use and kept, since a token
 * verifier prepares its keys when it is made. Past `max` devices the oldest is
 * dropped (a Map iterates in insertion order); it is rebuilt if that till
 * reports again, which costs time but never changes a verdict.
 */
export function byDevice(
  make: (device: string) => TokenBatchVerifier,
  max: number,
): (device: string) => TokenBatchVerifier | { readonly refused: string } {
  if (typeof max !== 'number') throw new TypeError('options.maxDevices must be a number');
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError(`options.maxDevices must be a positive integer, got ${max}`);
  const kept = new Map<string, TokenBatchVerifier | { readonly refused: string }>();
  return (device) => {
    let verifier = kept.get(device);
    if (verifier) return verifier;
    try {
      verifier = make(device);
    } catch (error) {
      // A RangeError is how createVerifier refuses its options, e.g. a device id too long
      // to be an audience (1 to 32 characters). That is a fact about this device, the same
      // on every retry, so its redemptions are refused rather than failing every batch.
      if (!(error instanceof RangeError)) throw error;
      verifier = { refused: error.message };
    }
    const usable =
      typeof verifier === 'object' &&
      verifier !== null &&
      ('refused' in verifier || typeof verifier.verifyBatch === 'function');
    if (!usable) throw new TypeError(`the verifier made for device ${device} has no verifyBatch method`);
    if (kept.size >= max) kept.delete(kept.keys().next().value!);
    kept.set(device, verifier);
    return verifier;
  };
}
