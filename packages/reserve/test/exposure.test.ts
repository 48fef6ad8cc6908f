import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExposureToken, exposure } from '../src/index.js';

describe('exposure', () => {
  it('sums each terminal’s capped payout; one token counts at every terminal that takes it', () => {
    const e = exposure({
      tokens: [
        { id: 'v1', amount: 30_000, terminals: ['t1', 't2'] },
        { id: 'v2', amount: 10_000, terminals: ['t1'] },
      ],
      caps: { perToken: 25_000, perTerminal: 30_000 },
    });
    expect(e.valueAtRisk).toBe(55_000);
    expect(e.faceValue).toBe(40_000);
    expect(e.terminals).toEqual([
      { id: 't1', maxPayout: 30_000, capped: true },
      { id: 't2', maxPayout: 25_000, capped: false },
    ]);
    expect(e.tokens).toEqual([
      { id: 'v1', maxPayout: 50_000 },
      { id: 'v2', maxPayout: 10_000 },
    ]);
  });

  it('UPI Lite-style caps: ₹1,000 per payment and ₹5,000 per wallet, in paise', () => {
    const tokens = Array.from({ length: 8 }, (_, i) => ({
      id: `p${i}`,
      amount: 150_000,
      terminals: ['w1', 'w2'],
    }));
    const e = exposure({ tokens, caps: { perToken: 100_000, perTerminal: { w1: 500_000, w2: 200_000 } } });
    expect(e.valueAtRisk).toBe(700_000);
    expect(e.terminals.map((t) => t.capped)).toEqual([true, true]);
  });

  it('a terminal listed twice for one token honours it once', () => {
    const e = exposure({
      tokens: [{ id: 'v', amount: 500, terminals: ['t', 't'] }],
      caps: { perToken: 1_000, perTerminal: 10_000 },
    });
    expect(e.valueAtRisk).toBe(500);
  });

  it('is exact for partial redemption and bounds the whole-token worst case within perToken per terminal', () => {
    const terminalIds = ['t1', 't2', 't3'];
    const token = fc.record({
      amount: fc.integer({ min: 0, max: 60 }),
      terminals: fc.subarray(terminalIds, { minLength: 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 7 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 150 }),
        (raw, perToken, perTerminal) => {
          const tokens: ExposureToken[] = raw.map((t, i) => ({ id: `k${i}`, ...t }));
          const e = exposure({ tokens, caps: { perToken, perTerminal } });
          // Whole tokens: each terminal's worst case is the best subset of its tokens that fits the cap.
          let wholeTokenWorst = 0;
          let cappedTerminals = 0;
          for (const id of terminalIds) {
            const values = tokens
              .filter((t) => t.terminals.includes(id))
              .map((t) => Math.min(t.amount, perToken));
            let best = 0;
            for (let mask = 0; mask < 1 << values.length; mask++) {
              let sum = 0;
              values.forEach((v, i) => {
                if (mask & (1 << i)) sum += v;
              });
              if (sum <= perTerminal) best = Math.max(best, sum);
            }
            wholeTokenWorst += best;
            // Partial redemption: fill up to the cap, which is the formula.
            const partial = Math.min(
              perTerminal,
              values.reduce((a, b) => a + b, 0),
            );
            expect(e.terminals.find((t) => t.id === id)?.maxPayout ?? 0).toBe(partial);
            if (values.reduce((a, b) => a + b, 0) > perTerminal) cappedTerminals++;
          }
          expect(e.valueAtRisk).toBeGreaterThanOrEqual(wholeTokenWorst);
          expect(e.valueAtRisk - wholeTokenWorst).toBeLessThanOrEqual(perToken * cappedTerminals);
          expect(Number.isSafeInteger(e.valueAtRisk)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects bad arguments naming them', () => {
    const caps = { perToken: 100, perTerminal: 1_000 };
    const token = { id: 'v', amount: 10, terminals: ['t'] };
    expect(() => exposure({ tokens: [{ ...token, amount: 10.5 }], caps })).toThrow(
      /^tokens\[0\].amount must be an integer/,
    );
    expect(() => exposure({ tokens: [{ ...token, amount: -1 }], caps })).toThrow(RangeError);
    expect(() => exposure({ tokens: [token, token], caps })).toThrow(/^tokens\[1\].id duplicates/);
    expect(() => exposure({ tokens: [token], caps: { ...caps, perToken: Number.NaN } })).toThrow(
      new RangeError('caps.perToken must not be NaN'),
    );
    expect(() => exposure({ tokens: [token], caps: { ...caps, perTerminal: { other: 5 } } })).toThrow(
      /^caps.perTerminal has no cap for tokens\[0\].terminals\[0\]/,
    );
    expect(() => exposure({ tokens: [token], caps: { ...caps, perTerminal: { t: 1.5 } } })).toThrow(
      /^caps.perTerminal\["t"\]/,
    );
    expect(() =>
      exposure({ tokens: [token], caps: { ...caps, perTerminal: 'x' as unknown as number } }),
    ).toThrow(TypeError);
    expect(() => exposure({ tokens: [{ ...token, terminals: 't' as unknown as string[] }], caps })).toThrow(
      TypeError,
    );
    const huge = { ...token, amount: Number.MAX_SAFE_INTEGER };
    expect(() => exposure({ tokens: [huge, { ...huge, id: 'w' }], caps })).toThrow(/exceeds 2\^53 - 1/);
  });
});
