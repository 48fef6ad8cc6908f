import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  currencyCodes,
  currencyExponent,
  formatMoney,
  money,
  parseMoney,
  splitMoney,
  subtractMoney,
} from '../src/index.js';

const currency = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'CLF');
const amount = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });

describe('money', () => {
  it('knows the ISO 4217 exponents', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(currencyExponent('XXX')).toBeUndefined();
    expect(currencyCodes().length).toBeGreaterThan(150);
  });

  it('parses without floats: 1.005 KWD is exactly 1005 fils', () => {
    expect(parseMoney('1.005', 'KWD').amount).toBe(1005);
    expect(parseMoney('1.00', 'USD').amount).toBe(100);
    expect(parseMoney('1.1', 'USD').amount).toBe(110);
    expect(parseMoney('-0.05', 'USD').amount).toBe(-5);
    expect(parseMoney('-0', 'USD').amount).toBe(0);
    expect(Object.is(parseMoney('-0', 'USD').amount, -0)).toBe(false);
  });

  it('law: parse(format(m)) = m', () => {
    fc.assert(
      fc.property(amount, currency, (a, c) => {
        const m = money(a, c);
        expect(parseMoney(formatMoney(m), c)).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects floats, unsafe amounts, rounding and unknown currencies', () => {
    expect(() => money(12.5, 'USD')).toThrow(expect.objectContaining({ code: 'ERR_MONEY_INVALID' }));
    expect(() => money(Number.NaN, 'USD')).toThrow(expect.objectContaining({ code: 'ERR_MONEY_INVALID' }));
    expect(() => money(2 ** 53, 'USD')).toThrow(expect.objectContaining({ code: 'ERR_MONEY_INVALID' }));
    expect(() => money(1, 'usd')).toThrow(expect.objectContaining({ code: 'ERR_CURRENCY_UNKNOWN' }));
    expect(() => parseMoney('1.001', 'USD')).toThrow(/2 decimals/);
    expect(() => parseMoney('1.5', 'JPY')).toThrow(expect.objectContaining({ code: 'ERR_MONEY_INVALID' }));
    expect(() => parseMoney('1e3', 'USD')).toThrow(expect.objectContaining({ code: 'ERR_MONEY_INVALID' }));
    expect(() => parseMoney('99999999999999999', 'USD')).toThrow(/2\^53/);
  });

  it('adds within one currency and refuses to mix', () => {
    expect(addMoney(money(100, 'EUR'), money(250, 'EUR'), money(-50, 'EUR')).amount).toBe(300);
    expect(subtractMoney(money(100, 'EUR'), money(250, 'EUR')).amount).toBe(-150);
    expect(() => addMoney(money(1, 'EUR'), money(1, 'USD'))).toThrow(
      expect.objectContaining({ code: 'ERR_CURRENCY_MISMATCH' }),
    );
    expect(() => addMoney(money(2 ** 52, 'EUR'), money(2 ** 52, 'EUR'))).toThrow(
      expect.objectContaining({ code: 'ERR_MONEY_INVALID' }),
    );
  });

  it('law: splitMoney conserves the total and stays within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (a, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = splitMoney(money(a, 'USD'), weights);
          expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(a);
          const total = weights.reduce((s, w) => s + w, 0);
          for (const [i, p] of parts.entries()) {
            expect(Math.abs(p.amount - (a * weights[i]!) / total)).toBeLessThan(1 + 1e-6 * Math.abs(a));
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(splitMoney(money(100, 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([34, 33, 33]);
    expect(() => splitMoney(money(1, 'USD'), [])).toThrow(RangeError);
    expect(() => splitMoney(money(1, 'USD'), [0, 0])).toThrow(RangeError);
  });
});
