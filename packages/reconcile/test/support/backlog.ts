/**
 * A deterministic, streamable backlog of a busy shop: many tills, many SKUs,
 * roughly in time order (tills upload with some jitter), about `duplicateRate`
 * re-sent copies and about `conflictRate` intents that conflict (double
 * spends, oversells, stale prices, expired holds, unknown keys, over-refunds).
 * Used by the distributed test and by bench/scenarios/reconcile.ts.
 */
import { encodeHlc } from '@tallystick/core';
import { issue, newKey } from './ed25519-verifier.js';
import { idOf, type RawIntent, redemptionRecord } from './intents.js';

export interface BacklogOptions {
  intents: number;
  devices?: number;
  skus?: number;
  duplicateRate?: number;
  conflictRate?: number;
  redemptionRate?: number;
  seed?: number;
  /** Items shuffled within windows of this size, as tills upload out of step. */
  jitter?: number;
  /** Token issuers: a good one the verifier knows and one it does not. Default: the test scheme. */
  tokens?: { issue(n: number): string; stray(n: number): string };
}

const testTokens = {
  issue: (n: number) => issue(backlogKeys.good, { id: `tok-${n}`, amount: { amount: 500, currency: 'EUR' } }),
  stray: (n: number) => issue(backlogKeys.stranger, { id: `stray-${n}` }),
};

export const BACKLOG_START = 1_767_225_600_000;
export const backlogKeys = { good: newKey('shop-1'), stranger: newKey('stranger') };

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* backlog(options: BacklogOptions): Generator<RawIntent> {
  const {
    intents,
    devices = 16,
    skus = 500,
    duplicateRate = 0.1,
    conflictRate = 0.01,
    redemptionRate = 0.01,
  } = options;
  const random = prng(options.seed ?? 1);
  const jitter = options.jitter ?? 32;
  const tokens = options.tokens ?? testTokens;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const tills = Array.from({ length: devices }, (_, i) => `till-${i}`);
  const stock = new Array<number>(skus).fill(0);
  const price = Array.from({ length: skus }, (_, i) => 100 + (i % 50) * 10);
  const stale = [...price];
  const recentSales: { id: string; sku: number; total: number; refunded: number }[] = [];
  const recentTokens: string[] = [];
  const holds: { id: string; sku: number; expiresAt: number }[] = [];
  let wall = BACKLOG_START;
  let n = 0;
  const counters = new Map<string, number>();
  let window: RawIntent[] = [];
  const sent: RawIntent[] = [];

  const make = (type: string, device: string, payload: unknown): RawIntent => {
    wall += Math.floor(random() * 3);
    const key = `${device}@${wall}`;
    const counter = counters.get(key) ?? 0;
    counters.set(key, counter + 1);
    if (counters.size > 4096) counters.clear();
    return {
      id: idOf(++n),
      type,
      device,
      hlc: encodeHlc({ wall, counter, node: device }),
      createdAt: wall,
      payload,
    };
  };
  const eur = (amount: number) => ({ amount, currency: 'EUR' });
  const redeem = (token: string): RawIntent => {
    const till = pick(tills);
    return make('token.redeemed', till, redemptionRecord(token, wall, till));
  };

  const next = (): RawIntent => {
    const sku = Math.floor(random() * skus);
    const skuId = `sku-${sku}`;
    const r = random();
    if (stock[sku]! < 20) {
      stock[sku]! += 200;
      return make('restock', 'hq', { sku: skuId, quantity: 200 });
    }
    if (r < conflictRate) return conflict(sku);
    if (r < conflictRate + redemptionRate) {
      const token = tokens.issue(n);
      recentTokens.push(token);
      if (recentTokens.length > 64) recentTokens.shift();
      return redeem(token);
    }
    if (r < 0.03) {
      const hold = make('hold', 'web', { sku: skuId, quantity: 1, expiresAt: wall + 300_000 });
      stock[sku]! -= 1;
      holds.push({ id: hold.id, sku, expiresAt: wall + 300_000 });
      if (holds.length > 64) holds.shift();
      return hold;
    }
    if (r < 0.035 && holds.length > 0) {
      const h = holds.pop()!;
      return make('sale', 'web', {
        sku: `sku-${h.sku}`,
        quantity: 1,
        unitPrice: eur(price[h.sku]!),
        holdId: h.id,
      });
    }
    if (r < 0.045 && recentSales.length > 0) {
      const s = pick(recentSales);
      const amount = Math.min(s.total - s.refunded, price[s.sku]!);
      if (amount > 0) {
        s.refunded += amount;
        return make('refund', pick(tills), {
          sku: `sku-${s.sku}`,
          saleId: s.id,
          amount: eur(amount),
          quantity: 0,
        });
      }
    }
    if (r < 0.046) {
      stale[sku] = price[sku]!;
      price[sku] = price[sku]! + 10;
      return make('price_update', 'hq', { sku: skuId, unitPrice: eur(price[sku]!), discountBps: 0 });
    }
    const quantity = 1 + Math.floor(random() * 3);
    stock[sku]! -= quantity;
    const sale = make('sale', pick(tills), { sku: skuId, quantity, unitPrice: eur(price[sku]!) });
    recentSales.push({ id: sale.id, sku, total: quantity * price[sku]!, refunded: 0 });
    if (recentSales.length > 256) recentSales.shift();
    return sale;
  };

  const conflict = (sku: number): RawIntent => {
    const kind = Math.floor(random() * 5);
    if (kind === 0 && recentTokens.length > 0) return redeem(pick(recentTokens));
    if (kind === 1) {
      // A scarce SKU nobody restocks: every sale of it is an oversell.
      return make('sale', pick(tills), { sku: 'scarce', quantity: 1, unitPrice: eur(100) });
    }
    if (kind === 2 && stale[sku] !== price[sku]) {
      stock[sku]! -= 1;
      return make('sale', pick(tills), { sku: `sku-${sku}`, quantity: 1, unitPrice: eur(stale[sku]!) });
    }
    if (kind === 3) {
      return redeem(tokens.stray(n));
    }
    // A sale against a hold long expired (its id is made up, so never active).
    stock[sku]! -= 1;
    return make('sale', 'web', {
      sku: `sku-${sku}`,
      quantity: 1,
      unitPrice: eur(price[sku]!),
      holdId: idOf(0xfffff000 + n),
    });
  };

  let emitted = 0;
  while (emitted < intents) {
    let item: RawIntent;
    if (sent.length > 0 && random() < duplicateRate) item = pick(sent);
    else {
      item = next();
      sent.push(item);
      if (sent.length > 512) sent.shift();
    }
    window.push(item);
    emitted++;
    if (window.length >= jitter) {
      for (let i = window.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [window[i], window[j]] = [window[j]!, window[i]!];
      }
      yield* window;
      window = [];
    }
  }
  yield* window;
}

/** Groups a stream of items into batches. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
