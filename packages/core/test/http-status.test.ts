import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, isRetryableStatus } from '../src/index.js';

describe('classifyHttpStatus (the status table sender and replay share)', () => {
  it('matches the documented table', () => {
    for (let s = 100; s < 600; s++) {
      const expected =
        s >= 200 && s < 300
          ? 'acked'
          : s >= 500 || s === 408 || s === 409 || s === 425 || s === 429
            ? 'retry'
            : 'permanent';
      expect(classifyHttpStatus(s), String(s)).toBe(expected);
      expect(isRetryableStatus(s)).toBe(expected === 'retry');
    }
  });

  it('law: total over any number, never throws, and only 2xx is acked', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double()), (status) => {
        const kind = classifyHttpStatus(status);
        expect(['acked', 'retry', 'permanent']).toContain(kind);
        expect(kind === 'acked').toBe(Number.isInteger(status) && status >= 200 && status < 300);
      }),
      { numRuns: 500 },
    );
    expect(classifyHttpStatus(Number.NaN)).toBe('permanent');
    expect(classifyHttpStatus(600)).toBe('permanent');
  });
});
