import { TallystickError } from '../errors.js';
import { currencyExponent } from './currencies.js';

/**
 * An amount of money in integer minor units (cents for USD, yen for JPY,
 * fils for KWD). Never a float: `1.005 * 100` is 100.49999999999999.
 *
 * @example
 * ```ts
 * import { formatMoney, type Money } from '@tallystick/core';
 * const price: Money = { amount: 1250, currency: 'EUR' }; // €12.50
 * formatMoney(price); // '12.50'
 * ```
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/**
 * Creates a validated, frozen {@link Money}.
 *
 * @throws {TallystickError} `ERR_MONEY_INVALID` if `amount` is not a safe integer;
 * `ERR_CURRENCY_UNKNOWN` if `currency` is not an ISO 4217 code.
 * @example
 * ```ts
 * import { money } from '@tallystick/core';
 * money(1250, 'EUR'); // { amount: 1250, currency: 'EUR' }
 * money(12.5, 'EUR'); // throws ERR_MONEY_INVALID
 * ```
 */
export function money(amount: number, currency: string): Money {
  assertAmount(amount, 'amount');
  exponentOf(currency);
  // -0 would print as "-0.00" and compare oddly; minor units have no sign of zero.
  return Object.freeze({ amount: amount === 0 ? 0 : amount, currency });
}

/**
 * Parses a decimal string such as `"12.34"` into minor units without ever
 * going through a float. More decimals than the currency has are refused
 * rather than rounded: rounding money silently is a bug.
 *
 * @throws {TallystickError} `ERR_MONEY_INVALID` for malformed text, too many decimals or
 * an unsafe result; `ERR_CURRENCY_UNKNOWN` for an unknown currency.
 * @example
 * ```ts
 * import { parseMoney } from '@tallystick/core';
 * parseMoney('1.005', 'KWD'); // { amount: 1005, currency: 'KWD' }
 * parseMoney('-3', 'JPY'); // { amount: -3, currency: 'JPY' }
 * ```
 */
export function parseMoney(text: string, currency: string): Money {
  const exponent = exponentOf(currency);
  const match = typeof text === 'string' ? /^(-?)(\d{1,20})(?:\.(\d{1,20}))?$/.exec(text) : null;
  if (!match)
    throw new TallystickError('ERR_MONEY_INVALID', `not a decimal amount: ${String(text).slice(0, 40)}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new TallystickError(
      'ERR_MONEY_INVALID',
      `${currency} has ${exponent} decimals, got ${fraction.length}`,
    );
  }
  const units = BigInt(whole! + fraction.padEnd(exponent, '0'));
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new TallystickError('ERR_MONEY_INVALID', 'amount exceeds 2^53 - 1 minor units');
  }
  return money(Number(units) * (sign === '-' ? -1 : 1), currency);
}

/**
 * Formats money as a plain decimal string with exactly the currency's decimals.
 *
 * @throws {TallystickError} `ERR_CURRENCY_UNKNOWN` for an unknown currency.
 * @example
 * ```ts
 * import { formatMoney, money } from '@tallystick/core';
 * formatMoney(money(-5, 'USD')); // '-0.05'
 * formatMoney(money(1234, 'JPY')); // '1234'
 * ```
 */
export function formatMoney(value: Money): string {
  const exponent = exponentOf(value.currency);
  const digits = Math.abs(value.amount)
    .toString()
    .padStart(exponent + 1, '0');
  const sign = value.amount < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Adds amounts of one currency.
 *
 * @throws {TallystickError} `ERR_CURRENCY_MISMATCH` if currencies differ;
 * `ERR_MONEY_INVALID` if the sum is not a safe integer.
 * @example
 * ```ts
 * import { addMoney, money } from '@tallystick/core';
 * addMoney(money(100, 'EUR'), money(250, 'EUR')); // { amount: 350, currency: 'EUR' }
 * ```
 */
export function addMoney(...values: [Money, ...Money[]]): Money {
  const currency = values[0].currency;
  let total = 0;
  for (const value of values) {
    if (value.currency !== currency) {
      throw new TallystickError('ERR_CURRENCY_MISMATCH', `cannot add ${value.currency} to ${currency}`);
    }
    assertAmount(value.amount, 'amount');
    total += value.amount;
    assertAmount(total, 'sum');
  }
  return money(total, currency);
}

/**
 * Subtracts `b` from `a`, both of one currency.
 *
 * @throws {TallystickError} `ERR_CURRENCY_MISMATCH` or `ERR_MONEY_INVALID`, as {@link addMoney}.
 * @example
 * ```ts
 * import { money, subtractMoney } from '@tallystick/core';
 * subtractMoney(money(100, 'EUR'), money(250, 'EUR')); // { amount: -150, currency: 'EUR' }
 * ```
 */
export function subtractMoney(a: Money, b: Money): Money {
  return addMoney(a, money(-b.amount, b.currency));
}

/**
 * Splits money into parts proportional to integer `weights` by the largest
 * remainder method, so the parts always add up to exactly the whole and no
 * minor unit is created or lost. Ties go to the earlier part.
 *
 * @throws {RangeError} if `weights` is empty, has a negative or non-integer weight, or sums to 0.
 * @example
 * ```ts
 * import { money, splitMoney } from '@tallystick/core';
 * splitMoney(money(100, 'USD'), [1, 1, 1]).map((m) => m.amount); // [34, 33, 33]
 * ```
 */
export function splitMoney(value: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new RangeError('weights must not be empty');
  let totalWeight = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be integers >= 0, got ${w}`);
    totalWeight += w;
  }
  if (totalWeight === 0 || !Number.isSafeInteger(totalWeight)) {
    throw new RangeError('weights must sum to a positive safe integer');
  }
  const sign = value.amount < 0 ? -1 : 1;
  const whole = BigInt(Math.abs(value.amount));
  const total = BigInt(totalWeight);
  // BigInt keeps whole * weight exact even past 2^53.
  const shares = weights.map((w, index) => {
    const product = whole * BigInt(w);
    return { index, units: product / total, rest: product % total };
  });
  let left = whole - shares.reduce((sum, s) => sum + s.units, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.units += 1n;
    left -= 1n;
  }
  return shares.map((s) => money(sign * Number(s.units), value.currency));
}

function exponentOf(currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) {
    throw new TallystickError('ERR_CURRENCY_UNKNOWN', `unknown ISO 4217 currency: ${String(currency)}`);
  }
  return exponent;
}

function assertAmount(amount: unknown, name: string): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw new TallystickError(
      'ERR_MONEY_INVALID',
      `${name} must be a safe integer of minor units, got ${String(amount)}`,
    );
  }
}
