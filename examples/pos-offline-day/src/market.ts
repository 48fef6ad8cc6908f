/**
 * The evening market before it opens: the shop's issuer key, the vouchers it
 * hands out, the customers' phones, and the stock quotas each stall may sell
 * on its own while offline.
 */
import { type Clock, money } from '@tallystick/core';
import { type Allocation, allocate } from '@tallystick/reserve';
import {
  createIssuer,
  generateHolderKey,
  generateIssuerKey,
  type HolderKey,
  type Issuer,
} from '@tallystick/token';

export const STALLS = ['stall-a', 'stall-b', 'stall-c'] as const;
export const WINDOW_MS = 2 * 3_600_000;
export const PRODUCTS = [
  { sku: 'cider', name: 'Hot cider', price: money(450, 'EUR'), stock: 160, ratesPerHour: [30, 20, 10] },
  { sku: 'pie', name: 'Apple pie', price: money(380, 'EUR'), stock: 8, ratesPerHour: [4, 3, 2] },
] as const;

export interface Voucher {
  label: string;
  text: string;
  holder?: HolderKey;
}

export type VoucherName =
  | 'gift1'
  | 'gift2'
  | 'gift3'
  | 'pickupB'
  | 'pickupB2'
  | 'earlyBird'
  | 'alicePass'
  | 'bobPass';

export interface Market {
  issuer: Issuer;
  vouchers: Record<VoucherName, Voucher>;
  allocations: Record<string, Allocation>;
}

/** Issues the day's vouchers: bearer ones with a value, stall-bound ones, phone-bound ones, and a short-lived one. */
export function prepareMarket(clock: Clock): Market {
  const key = generateIssuerKey();
  const issuer = createIssuer({ secretKey: key.secretKey, kid: key.kid, clock, defaultTtlMs: 3 * 3_600_000 });
  const issue = (
    label: string,
    claims: Parameters<Issuer['issue']>[0] = {},
    holder?: HolderKey,
  ): Voucher => ({
    label,
    text: issuer.issue({ ...claims, ...(holder ? { holderKey: holder.publicKey } : {}) }).qr,
    ...(holder ? { holder } : {}),
  });
  const alice = generateHolderKey();
  const bob = generateHolderKey();
  const vouchers: Record<VoucherName, Voucher> = {
    gift1: issue('€5 gift voucher #1', { amount: money(500, 'EUR') }),
    gift2: issue('€5 gift voucher #2', { amount: money(500, 'EUR') }),
    gift3: issue('€10 gift voucher #3', { amount: money(1000, 'EUR') }),
    pickupB: issue('pre-paid pie pickup at stall-b', { amount: money(380, 'EUR'), audience: 'stall-b' }),
    pickupB2: issue('pre-paid cider pickup at stall-b', { amount: money(450, 'EUR'), audience: 'stall-b' }),
    earlyBird: issue('early-bird cider (valid 30 min)', { amount: money(450, 'EUR'), ttlMs: 30 * 60_000 }),
    alicePass: issue("Alice's phone-bound €8 pass", { amount: money(800, 'EUR') }, alice),
    bobPass: issue("Bob's phone-bound €8 pass", { amount: money(800, 'EUR') }, bob),
  };
  const allocations: Record<string, Allocation> = {};
  for (const product of PRODUCTS) {
    allocations[product.sku] = allocate({
      stock: product.stock,
      devices: STALLS.map((id, i) => ({ id, ratePerHour: product.ratesPerHour[i]! })),
      windowMs: WINDOW_MS,
      maxStockoutProbability: 0.05,
    });
  }
  return { issuer, vouchers, allocations };
}

/** Each stall's quota per SKU, from the allocations. */
export function quotasOf(market: Market, stall: string): Record<string, number> {
  const quotas: Record<string, number> = {};
  for (const [sku, allocation] of Object.entries(market.allocations)) {
    quotas[sku] = allocation.devices.find((d) => d.id === stall)?.quota ?? 0;
  }
  return quotas;
}

/** Poisson arrivals: exponential gaps from crypto randomness, as real customers would come. */
export function arrivals(ratePerHour: number, windowMs: number): number[] {
  const times: number[] = [];
  const buf = new Uint32Array(1);
  let t = 0;
  for (;;) {
    crypto.getRandomValues(buf);
    const u = (buf[0]! + 1) / 2 ** 32;
    t += (-Math.log(u) / ratePerHour) * 3_600_000;
    if (t >= windowMs) return times;
    times.push(Math.floor(t));
  }
}
