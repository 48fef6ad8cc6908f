import { decodeHlc, type Money } from '@tallystick/core';
import { lastWriterWins, type Versioned } from '@tallystick/merge';
import type { HoldPolicy } from '@tallystick/reserve';
import type { OversellConflict } from '../conflicts.js';
import type { IntentPayloads } from '../intents.js';
import type { StoredIntent, Verdict } from '../ledger.js';
import type { ReconcilePolicies } from '../policies.js';
import { decide } from './decide.js';
import { isValidPayload } from './fast-parse.js';
import { type SkuPass, sale } from './fold-sale.js';
import { earliestReclaim, expireHolds, reclaimOffset } from './holds.js';
import { isolated, type Skipped, step, unprocessable } from './isolate.js';
import { add } from './money.js';
import { sortKey } from './order.js';

/** A list price: what a unit costs and the discount in force. */
export interface ListPrice {
  readonly unitPrice: Money;
  readonly discountBps: number;
}

/**
 * The folded state of one SKU after every intent up to `last` in time order.
 * Plain JSON, so a ledger can store it and the next batch can continue from it.
 */
export interface SkuState {
  last: string | null;
  /** How many intents the state has folded: checkpoints fall where this is a multiple of the interval. */
  count: number;
  available: number;
  held: number;
  backordered: number;
  sold: number;
  returned: number;
  /** Active holds by hold intent id. */
  holds: Record<string, { remaining: number; expiresAt: number }>;
  price: Versioned<ListPrice> | null;
}

export interface SkuFoldOptions {
  readonly policies: ReconcilePolicies;
  /** When a hold's stock goes back: at `holdDeadlines(hold, holdPolicy).serverReclaimsAt`. */
  readonly holdPolicy: HoldPolicy;
  /** A checkpoint is kept after every this many intents of a SKU. */
  readonly checkpointEvery: number;
}

export const emptySku = (): SkuState => ({
  last: null,
  count: 0,
  available: 0,
  held: 0,
  backordered: 0,
  sold: 0,
  returned: 0,
  holds: {},
  price: null,
});

const prices = lastWriterWins<ListPrice>();
const wallOf = (hlc: string) => Number.parseInt(hlc.slice(0, 12), 16);

/**
 * Continues a SKU's state over `intents`, which must be sorted by time and all
 * later than `state.last`. Stock is a running count in HLC order: restocks,
 * returns, releases and reclaimed holds add (a hold at `@tallystick/reserve`'s
 * `holdDeadlines().serverReclaimsAt`); holds and sales take; whatever a sale
 * cannot take is a shortfall (oversell) rather than negative stock. So the
 * outcome is a function of the set of intents, not of their arrival order.
 *
 * An intent whose step throws (a count past 2^53 − 1, a policy that throws, a
 * stored payload this version cannot read) is parked with an `unprocessable`
 * verdict and folded as if absent; see ./isolate.ts.
 */
export function foldSku(
  group: string,
  start: SkuState,
  intents: readonly StoredIntent[],
  options: SkuFoldOptions,
): { state: SkuState; verdicts: Verdict[] } {
  return isolated((skipped) => foldPass(group, start, intents, options, skipped));
}

function foldPass(
  group: string,
  start: SkuState,
  intents: readonly StoredIntent[],
  options: SkuFoldOptions,
  skipped: Skipped,
): { state: SkuState; verdicts: Verdict[] } {
  // `start` must not change until commit, nor between passes. Copying its holds
  // is most of a short fold's cost, so they are copied on the first change only.
  const s: SkuState = { ...start };
  let owned = false;
  const offset = reclaimOffset(options.holdPolicy);
  const pass: SkuPass = {
    s,
    group,
    sku: group.slice('sku:'.length),
    options,
    verdicts: [],
    reclaimOffset: offset,
    nextReclaim: earliestReclaim(s.holds, offset),
    own() {
      if (owned) return;
      owned = true;
      const copy: SkuState['holds'] = {};
      for (const id in s.holds) copy[id] = { ...s.holds[id]! };
      s.holds = copy;
    },
  };
  for (const intent of intents) {
    if (skipped.has(intent.id)) pass.verdicts.push(unprocessable(group, intent, skipped.get(intent.id)));
    else
      step(intent.id, () => {
        apply(pass, intent);
        checkCounts(s);
      });
    s.last = sortKey(intent);
    // Ledgers written before the count existed start it afresh; it only places checkpoints.
    s.count = (s.count ?? 0) + 1;
  }
  return { state: s, verdicts: pass.verdicts };
}

function apply(pass: SkuPass, intent: StoredIntent): void {
  const { s, options } = pass;
  const wall = wallOf(intent.hlc);
  if (pass.nextReclaim <= wall) {
    pass.own();
    pass.nextReclaim = expireHolds(s, wall, pass.reclaimOffset);
  }
  const base = { intentId: intent.id, device: intent.device, hlc: intent.hlc };
  switch (intent.type) {
    case 'restock': {
      s.available = add(s.available, (intent.payload as IntentPayloads['restock']).quantity, 'stock');
      break;
    }
    case 'refund': {
      const units = (intent.payload as IntentPayloads['refund']).quantity;
      const returned = add(s.returned, units, 'units returned');
      s.available = add(s.available, units, 'stock');
      s.returned = returned;
      break;
    }
    case 'price_update': {
      // Kept in the state and read by later sales: a bad one must fail here, not in them.
      const p = readable(intent) as IntentPayloads['price_update'];
      const next: Versioned<ListPrice> = {
        value: { unitPrice: p.unitPrice, discountBps: p.discountBps },
        hlc: decodeHlc(intent.hlc),
        device: intent.device,
      };
      s.price = s.price ? prices.merge(s.price, next) : next;
      break;
    }
    case 'hold': {
      const p = readable(intent) as IntentPayloads['hold'];
      const reserved = Math.min(p.quantity, s.available);
      // Moves units from available to held: their sum does not grow.
      s.available -= reserved;
      s.held += reserved;
      pass.own();
      s.holds[intent.id] = { remaining: reserved, expiresAt: p.expiresAt };
      const reclaim = p.expiresAt + pass.reclaimOffset;
      if (reclaim < pass.nextReclaim) pass.nextReclaim = reclaim;
      if (reserved < p.quantity) {
        const conflict: OversellConflict = {
          ...base,
          kind: 'oversell',
          sku: pass.sku,
          intentType: 'hold',
          requested: p.quantity,
          fulfilled: reserved,
          shortfall: p.quantity - reserved,
        };
        pass.verdicts.push(
          decide(pass.group, conflict, options.policies, `hold of ${p.quantity} reserved ${reserved}`),
        );
      }
      break;
    }
    case 'hold_release': {
      const p = intent.payload as IntentPayloads['hold_release'];
      const hold = Object.hasOwn(s.holds, p.holdId) ? s.holds[p.holdId] : undefined;
      // Releasing a hold that already expired or was released is a harmless no-op.
      if (hold) {
        pass.own();
        s.available += hold.remaining;
        s.held -= hold.remaining;
        delete s.holds[p.holdId];
      }
      break;
    }
    case 'sale': {
      if ((intent.payload as IntentPayloads['sale']).holdId !== undefined) pass.own();
      sale(pass, intent);
      break;
    }
    default:
      throw new TypeError(`intent type ${intent.type} does not belong in a SKU group`);
  }
}

/**
 * A stored payload this version cannot read (an older version's, a bad
 * migration's) must fail its own step, not poison the state for the intents
 * after it. Payloads that the state keeps are checked on the way in; the
 * counts every other intent changes are checked after each step.
 */
function readable(intent: StoredIntent): unknown {
  if (!isValidPayload(intent.type, intent.payload))
    throw new TypeError(`stored ${intent.type} payload is not one this version can read`);
  return intent.payload;
}

function checkCounts(s: SkuState): void {
  // Runs after every intent: plain checks, no array.
  if (
    isCount(s.available) &&
    isCount(s.held) &&
    isCount(s.backordered) &&
    isCount(s.sold) &&
    isCount(s.returned)
  )
    return;
  throw new TypeError('the intent left its SKU with an invalid count (a payload this version cannot read?)');
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;
