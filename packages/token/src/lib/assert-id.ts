/** Token ids are 32 lower-case hex digits; the stores rely on it for keys and record sizes. */
export function assertId(tokenId: unknown): asserts tokenId is string {
  if (typeof tokenId !== 'string') throw new TypeError('tokenId must be a string');
  if (tokenId.length !== 32 || !/^[0-9a-f]{32}$/.test(tokenId)) {
    throw new RangeError('tokenId must be 32 lower-case hex digits');
  }
}

/**
 * A prune's `now`: a finite number. `Infinity` (a clock glitch) would forget every token ever redeemed, so
 * each could be redeemed again; NaN would forget nothing while looking like a prune that ran.
 */
export function assertNow(now: unknown): asserts now is number {
  if (typeof now !== 'number') throw new TypeError('now must be a number (epoch milliseconds)');
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite number of epoch milliseconds');
}
