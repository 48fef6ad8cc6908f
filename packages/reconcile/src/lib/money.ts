import { type Money, money } from '@tallystick/core';
import type { Intent } from '../intents.js';

/**
 * Money and counts in the folds. Validation keeps every single intent's own
 * totals within 2^53 − 1 (see `amountProblem` in ../intents.ts); what it cannot
 * see is arithmetic that combines intents (a list price times another sale's
 * quantity, refunds summed over a sale, a SKU's running counts). Those are
 * computed exactly in BigInt, or checked, and never silently rounded.
 */

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Why one intent's own money cannot be carried exactly, or undefined. Only a
 * sale multiplies: `unitPrice.amount × quantity` must stay within 2^53 − 1,
 * which also bounds its discounted total, its unit net price times any
 * shortfall, and any refund total matched against it.
 */
export function amountProblem(intent: Intent): string | undefined {
  if (intent.type !== 'sale') return undefined;
  const { unitPrice, quantity } = intent.payload;
  // Exact in doubles: a product up to 2^53 - 1 is representable, and one past it rounds to 2^53 or more.
  if (unitPrice.amount * quantity <= Number.MAX_SAFE_INTEGER) return undefined;
  return `payload: ${quantity} × ${unitPrice.amount} ${unitPrice.currency} passes 2^53-1 minor units`;
}

/**
 * Thrown by checked arithmetic that would leave the safe integer range. The
 * fold that catches it parks the one intent that caused it (code
 * `amount_overflow`) and carries on without it.
 */
export class AmountOverflow extends RangeError {
  constructor(what: string) {
    super(`${what} would exceed 2^53-1`);
    this.name = 'AmountOverflow';
  }
}

/** unitPrice × quantity less a discount in basis points, rounded half up to the minor unit, exactly. */
export function exactLineTotal(unitPrice: Money, quantity: number, discountBps: number): bigint {
  const gross = BigInt(unitPrice.amount) * BigInt(quantity) * BigInt(10_000 - discountBps);
  return (gross + 5_000n) / 10_000n;
}

/** {@link exactLineTotal} as Money, or undefined when it does not fit a safe integer. */
export function lineTotalIfSafe(unitPrice: Money, quantity: number, discountBps: number): Money | undefined {
  return moneyIfSafe(exactLineTotal(unitPrice, quantity, discountBps), unitPrice.currency);
}

/** {@link exactLineTotal} as Money. @throws {AmountOverflow} past 2^53 − 1. */
export function lineTotal(unitPrice: Money, quantity: number, discountBps: number): Money {
  const total = lineTotalIfSafe(unitPrice, quantity, discountBps);
  if (total === undefined)
    throw new AmountOverflow(`${quantity} × ${unitPrice.amount} ${unitPrice.currency}`);
  return total;
}

export function moneyIfSafe(amount: bigint, currency: string): Money | undefined {
  return amount <= MAX && amount >= -MAX ? money(Number(amount), currency) : undefined;
}

/**
 * a + b for counts and amounts.
 * @throws {AmountOverflow} past 2^53 − 1; {TypeError} if either is not an integer (an unreadable payload).
 */
export function add(a: number, b: number, what: string): number {
  const sum = a + b;
  if (Number.isSafeInteger(sum)) return sum;
  if (Number.isInteger(a) && Number.isInteger(b)) throw new AmountOverflow(what);
  throw new TypeError(`${what}: ${String(b)} is not a count`);
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}
