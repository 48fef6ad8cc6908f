/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential
 * Backoff and Jitter"): the delay before retry `n` is uniform in
 * [0, min(maxMs, baseMs · 2^(n-1))]. Full jitter spreads a crowd of devices
 * coming back online at once, where a fixed schedule makes them retry in step.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** A uniform number in [0, 1) from crypto.getRandomValues, the only randomness source. */
export function cryptoRandom(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  // 53 random bits, like Math.random's resolution.
  return (words[0]! * 2 ** 21 + (words[1]! >>> 11)) / 2 ** 53;
}

/** The ceiling for retry `attempt` (1-based) before jitter. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  // Past 2^52 the doubling only loses precision; the cap applies long before.
  const exp = Math.min(Math.max(attempt - 1, 0), 52);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
}

/** The delay before retry `attempt`, an integer in [0, ceiling]. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = cryptoRandom,
): number {
  return Math.floor(random() * (backoffCeiling(attempt, policy) + 1));
}
