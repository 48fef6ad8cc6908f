/**
 * Random shop days for the determinism properties: a few SKUs and devices, all
 * seven intent types, conflicts of every kind, ties on HLC wall and counter,
 * and some malformed input, so every code path meets reordering.
 */
import { encodeHlc } from '@tallystick/core';
import fc from 'fast-check';
import { issue, newKey, testVerifier } from './ed25519-verifier.js';
import { eur, idOf, type RawIntent, redemptionRecord } from './intents.js';

const DEVICES = ['hq', 'till-1', 'till-2', 'web'] as const;
const SKUS = ['apple', 'tea'] as const;
const key = newKey('k1');
const revoked = newKey('k0');
const stranger = newKey('k9');
export const scenarioVerifier = testVerifier([key, revoked], ['k0']);
const TOKENS = [
  issue(key, { id: 't-1', amount: eur(500) }),
  issue(key, { id: 't-2' }),
  issue(key, { id: 't-3', expiresAt: 20 }),
  issue(stranger, { id: 't-4' }),
  issue(revoked, { id: 't-5' }),
  'T1.garbage.x',
];
const MALFORMED: unknown[] = [
  { nope: true },
  {
    id: idOf(999_999),
    type: 'teleport',
    device: 'hq',
    hlc: encodeHlc({ wall: 1, counter: 0, node: 'hq' }),
    createdAt: 1,
    payload: {},
  },
  {
    id: idOf(999_998),
    type: 'sale',
    device: 'hq',
    hlc: encodeHlc({ wall: 1, counter: 0, node: 'hq' }),
    createdAt: 1,
    payload: { sku: 'apple' },
  },
];

const step = fc.record({
  type: fc.constantFrom(
    'sale',
    'sale',
    'sale',
    'restock',
    'hold',
    'hold_release',
    'refund',
    'refund',
    'token.redeemed',
    'price_update',
  ),
  wall: fc.integer({ min: 1, max: 40 }),
  counter: fc.integer({ min: 0, max: 1 }),
  device: fc.nat({ max: DEVICES.length - 1 }),
  sku: fc.nat({ max: SKUS.length - 1 }),
  quantity: fc.integer({ min: 1, max: 3 }),
  price: fc.constantFrom(100, 120, 150),
  discount: fc.constantFrom(0, 0, 1000),
  pick: fc.nat({ max: 50 }),
  expiresIn: fc.integer({ min: 0, max: 15 }),
});

export const shopDay: fc.Arbitrary<unknown[]> = fc
  .tuple(fc.array(step, { minLength: 1, maxLength: 40 }), fc.subarray(MALFORMED))
  .map(([steps, bad]) => {
    const out: RawIntent[] = [];
    const sales: string[] = [];
    const holds: string[] = [];
    steps.forEach((s, i) => {
      const id = idOf(i + 1);
      const device = DEVICES[s.device]!;
      const sku = SKUS[s.sku]!;
      // Mostly one of the last two: several refunds of one sale, several sales on one hold.
      const ref = (list: string[]) =>
        s.pick < 45 && list.length > 0
          ? list[list.length - 1 - (s.pick % Math.min(2, list.length))]!
          : idOf(500_000 + s.pick);
      let payload: unknown;
      switch (s.type) {
        case 'sale':
          payload = {
            sku,
            quantity: s.quantity,
            unitPrice: eur(s.price),
            discountBps: s.discount,
            ...(s.pick % 3 === 0 && holds.length > 0 ? { holdId: ref(holds) } : {}),
          };
          sales.push(id);
          break;
        case 'restock':
          payload = { sku, quantity: s.quantity };
          break;
        case 'hold':
          payload = { sku, quantity: s.quantity, expiresAt: s.wall + s.expiresIn };
          holds.push(id);
          break;
        case 'hold_release':
          payload = { sku, holdId: ref(holds) };
          break;
        case 'refund':
          payload = { sku, saleId: ref(sales), amount: eur(s.price), quantity: s.quantity % 2 };
          break;
        case 'token.redeemed':
          payload = redemptionRecord(TOKENS[s.pick % TOKENS.length]!, s.wall, device);
          break;
        default:
          payload = { sku, unitPrice: eur(s.price), discountBps: s.discount };
      }
      out.push({
        id,
        type: s.type,
        device,
        hlc: encodeHlc({ wall: s.wall, counter: s.counter, node: device }),
        createdAt: s.wall,
        payload,
      });
    });
    return [...out, ...bad];
  });

/** How a set of intents reaches the reconciler: order, replays, batches and sessions. */
export interface Delivery {
  batches: unknown[][];
  sessions: number[];
}

export function deliveries(items: unknown[]): fc.Arbitrary<Delivery> {
  const byTerminal = fc
    .shuffledSubarray(['hq', 'till-1', 'till-2', 'web', '?'], { minLength: 5, maxLength: 5 })
    .map((order) => [...items].sort((a, b) => order.indexOf(deviceOf(a)) - order.indexOf(deviceOf(b))));
  const shuffled = fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
  return fc
    .tuple(
      fc.oneof(shuffled, byTerminal),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
      fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 20 }),
    )
    .map(([order, dups, sizes, sessions]) => {
      const arrival = [...order];
      for (const [from, at] of dups) arrival.splice(at % (arrival.length + 1), 0, order[from % order.length]);
      const batches: unknown[][] = [];
      for (let i = 0, k = 0; i < arrival.length; k++) {
        const size = sizes[k % sizes.length]!;
        batches.push(arrival.slice(i, i + size));
        i += size;
      }
      return { batches, sessions: batches.map((_, i) => sessions[i % sessions.length]!) };
    });
}

function deviceOf(item: unknown): string {
  const device = (item as { device?: unknown })?.device;
  return typeof device === 'string' ? device : '?';
}
