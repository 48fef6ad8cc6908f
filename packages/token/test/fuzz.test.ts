import { describe, expect, it } from 'vitest';
import { fuzzToken } from '../../../bench/scenarios/fuzz-token.js';

describe('fuzz (short run; bench/scenarios/fuzz-token.ts runs 1,000,000)', () => {
  it('20,000 random and mutated inputs: no exception, no forgery accepted', () => {
    const stats = fuzzToken(20_000, 20_260_101);
    expect(stats.firstFailures).toEqual([]);
    expect(stats.exceptions).toBe(0);
    expect(stats.forgeriesAccepted).toBe(0);
    expect(stats.inputs).toBe(20_000);
    // The mix reaches deep: signatures get checked and most codes occur.
    expect(stats.codes['bad_signature']).toBeGreaterThan(1000);
    expect(stats.codes['malformed']).toBeGreaterThan(1000);
  });
});
