import { HLC_MAX_WALL, isCurrencyCode, isIntentId, isValidHlcNode, type Money } from '@tallystick/core';
import type { Intent } from '../intents.js';
import { isStorableText } from './storable.js';

/**
 * A hand-written path for the intents a shop sends all day, so the zod schemas
 * (several microseconds an intent, most of the engine's validation cost) only
 * see the unusual ones.
 *
 * It answers only when it is sure: an input it returns an intent for is one the
 * schemas accept, and the intent is exactly the one they would build (same
 * fields, same key order, so the fingerprint is the same). Anything else (a
 * failure, an optional field it does not handle, a class
 * instance, an `undefined` member) returns undefined and goes to the schemas,
 * which also word the rejection. A fast-check law in the tests holds it to that.
 */
export function fastParse(raw: unknown): Intent | undefined {
  if (!isPlain(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const { id, type, device, hlc, createdAt, payload } = r;
  if (r.partitionKey !== undefined || 'partitionKey' in r) return undefined;
  if (!isIntentId(id) || !isValidHlcNode(device) || typeof hlc !== 'string' || !HLC_TEXT.test(hlc))
    return undefined;
  if (!Number.isSafeInteger(createdAt) || (createdAt as number) < 0 || !isPlain(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const out = payloadOf(type, p);
  if (out === undefined) return undefined;
  return { id, type, device, hlc, createdAt, payload: out } as Intent;
}

/**
 * Whether a stored payload is one the schemas would have built for `type`:
 * the folds check the payloads they keep in a group's state with it.
 */
export function isValidPayload(type: string, payload: unknown): boolean {
  return isPlain(payload) && payloadOf(type, payload as Record<string, unknown>) !== undefined;
}

const HLC_TEXT = /^[0-9a-f]{16}-[0-9A-Za-z._~-]{1,64}$/;
const SKU = /^[0-9A-Za-z._~:/-]{1,64}$/;

// The redemption record's members in schema order: the output is built in this order.
const REDEMPTION_KEYS = [
  'tokenId',
  'kid',
  'amount',
  'currency',
  'audience',
  'terminal',
  'holder',
  'redeemedAt',
  'issuedAt',
  'expiresAt',
  'token',
] as const;
const TOKEN_ID = /^[0-9a-f]{32}$/;

// Allowed members per type, in schema order, so the count check below refuses any extra one.
const MEMBERS: Record<string, ReadonlySet<string>> = {
  sale: new Set(['sku', 'quantity', 'unitPrice', 'discountBps', 'holdId']),
  restock: new Set(['sku', 'quantity']),
  hold: new Set(['sku', 'quantity', 'expiresAt']),
  hold_release: new Set(['sku', 'holdId']),
  refund: new Set(['sku', 'saleId', 'amount', 'quantity']),
  price_update: new Set(['sku', 'unitPrice', 'discountBps']),
  'token.redeemed': new Set(REDEMPTION_KEYS),
};

function payloadOf(type: unknown, p: Record<string, unknown>): object | undefined {
  if (typeof type !== 'string' || !Object.hasOwn(MEMBERS, type)) return undefined;
  const allowed = MEMBERS[type]!;
  for (const key in p) if (!allowed.has(key) || p[key] === undefined) return undefined;
  switch (type) {
    case 'sale': {
      const unitPrice = moneyOf(p.unitPrice, 0);
      const discountBps = 'discountBps' in p ? p.discountBps : 0;
      if (!isSku(p.sku) || !isCount(p.quantity, 1) || !unitPrice || !isBps(discountBps)) return undefined;
      // Past 2^53 - 1 the schemas path words the amount_overflow refusal.
      if (unitPrice.amount * p.quantity > Number.MAX_SAFE_INTEGER) return undefined;
      if ('holdId' in p) {
        if (!isIntentId(p.holdId)) return undefined;
        return { sku: p.sku, quantity: p.quantity, unitPrice, discountBps, holdId: p.holdId };
      }
      return { sku: p.sku, quantity: p.quantity, unitPrice, discountBps };
    }
    case 'restock':
      return isSku(p.sku) && isCount(p.quantity, 1) ? { sku: p.sku, quantity: p.quantity } : undefined;
    case 'hold': {
      const e = p.expiresAt;
      if (!isSku(p.sku) || !isCount(p.quantity, 1) || !Number.isSafeInteger(e)) return undefined;
      if ((e as number) < 0 || (e as number) > HLC_MAX_WALL) return undefined;
      return { sku: p.sku, quantity: p.quantity, expiresAt: e };
    }
    case 'hold_release':
      return isSku(p.sku) && isIntentId(p.holdId) ? { sku: p.sku, holdId: p.holdId } : undefined;
    case 'refund': {
      const amount = moneyOf(p.amount, 1);
      if (!isSku(p.sku) || !isIntentId(p.saleId) || !amount || !isCount(p.quantity, 0)) return undefined;
      return { sku: p.sku, saleId: p.saleId, amount, quantity: p.quantity };
    }
    case 'token.redeemed':
      return redemptionOf(p);
    case 'price_update': {
      const unitPrice = moneyOf(p.unitPrice, 0);
      const discountBps = 'discountBps' in p ? p.discountBps : 0;
      if (!isSku(p.sku) || !unitPrice || !isBps(discountBps)) return undefined;
      return { sku: p.sku, unitPrice, discountBps };
    }
    default:
      return undefined;
  }
}

function redemptionOf(p: Record<string, unknown>): object | undefined {
  const { tokenId, amount, currency } = p;
  if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) return undefined;
  if (!isText(p.kid, 64) || !isText(p.token, 4096)) return undefined;
  if (!isWall(p.redeemedAt) || !isWall(p.issuedAt) || !isWall(p.expiresAt)) return undefined;
  if ((amount === undefined) !== (currency === undefined)) return undefined;
  if (amount !== undefined && (!Number.isSafeInteger(amount) || (amount as number) < 0)) return undefined;
  if (currency !== undefined && !isCurrencyCode(currency)) return undefined;
  for (const key of ['audience', 'terminal'] as const) if (key in p && !isText(p[key], 256)) return undefined;
  if ('holder' in p && !isText(p.holder, 64)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of REDEMPTION_KEYS) if (key in p) out[key] = p[key];
  return out;
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && isStorableText(value);
}

function isWall(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= HLC_MAX_WALL;
}

// Only literal objects (JSON.parse's, or prototype-less ones): a class instance may
// carry getters that answer differently each time they are read.
function isPlain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isSku(value: unknown): value is string {
  return typeof value === 'string' && SKU.test(value);
}

function isCount(value: unknown, min: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= 1_000_000;
}

function isBps(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 10_000;
}

function moneyOf(value: unknown, min: number): Money | undefined {
  if (!isPlain(value)) return undefined;
  const m = value as Record<string, unknown>;
  for (const key in m) if (key !== 'amount' && key !== 'currency') return undefined;
  const { amount, currency } = m;
  if (!Number.isSafeInteger(amount) || (amount as number) < min || !isCurrencyCode(currency))
    return undefined;
  return { amount: amount as number, currency };
}
