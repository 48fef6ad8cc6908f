/** Token ids are 32 lower-case hex digits; the stores rely on it for keys and record sizes. */
export function assertId(tokenId: unknown): asserts tokenId is string {
  if (typeof tokenId !== 'string') throw new TypeError('tokenId must be a string');
  if (tokenId.length !== 32 || !/^[0-9a-f]{32}$/.test(tokenId)) {
    throw new RangeError('tokenId must be 32 lower-case hex digits');
  }
}
