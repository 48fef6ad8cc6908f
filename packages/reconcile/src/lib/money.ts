import { type Money, money } from '@tallystick/core';

/**
 * unitPrice × quantity less a discount in basis points, rounded half up to the
 * minor unit. BigInt keeps the product exact past 2^53 before the division.
 */
export function lineTotal(unitPrice: Money, quantity: number, discountBps: number): Money {
  const gross = BigInt(unitPrice.amount) * BigInt(quantity) * BigInt(10_000 - discountBps);
  const net = (gross + 5_000n) / 10_000n;
  return money(Number(net), unitPrice.currency);
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}
