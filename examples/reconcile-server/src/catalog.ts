/**
 * The shop's catalog, served at `GET /products`, and the opening stock the
 * server books into the ledger when it starts.
 */
import { createHash } from 'node:crypto';
import { encodeHex, encodeHlc, type Money } from '@tallystick/core';

/** One product on sale. */
export interface Product {
  /** 1-64 characters of `[0-9A-Za-z._~:/-]`, as the reconciler requires. */
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
  /** Units booked in as opening stock. */
  readonly stock: number;
}

/** A small café, prices in euro cents. */
export const DEFAULT_CATALOG: readonly Product[] = [
  { sku: 'espresso', name: 'Espresso', price: { amount: 220, currency: 'EUR' }, stock: 200 },
  { sku: 'flat-white', name: 'Flat white', price: { amount: 350, currency: 'EUR' }, stock: 150 },
  { sku: 'cinnamon-bun', name: 'Cinnamon bun', price: { amount: 310, currency: 'EUR' }, stock: 40 },
  { sku: 'banana-bread', name: 'Banana bread', price: { amount: 280, currency: 'EUR' }, stock: 30 },
  { sku: 'lemonade', name: 'Lemonade', price: { amount: 400, currency: 'EUR' }, stock: 60 },
  { sku: 'tote-bag', name: 'Tote bag', price: { amount: 1200, currency: 'EUR' }, stock: 10 },
];

/** The device name opening stock is booked under. */
export const STOCK_DEVICE = 'hq';

// Opening stock is stamped at a fixed instant well before any sale, so every
// sale folds after it whatever the arrival order.
const OPENING = Date.UTC(2025, 0, 1);

/**
 * The `restock` intents that book a catalog's opening stock. Their ids are
 * derived from the content, so booking the same catalog again (a restart, a
 * second server on the same database) is a suppressed duplicate, not more stock.
 */
export function openingStock(catalog: readonly Product[]): Record<string, unknown>[] {
  return catalog
    .filter((p) => p.stock > 0)
    .map((p, i) => ({
      id: contentId(`opening-stock:${p.sku}:${p.stock}`),
      type: 'restock',
      device: STOCK_DEVICE,
      hlc: encodeHlc({ wall: OPENING, counter: i, node: STOCK_DEVICE }),
      createdAt: OPENING,
      payload: { sku: p.sku, quantity: p.stock },
    }));
}

/** A UUIDv7-shaped id (what the reconciler requires) whose random bits come from a hash of `content`. */
function contentId(content: string): string {
  const bytes = new Uint8Array(createHash('sha256').update(content).digest().subarray(0, 16));
  const wall = OPENING;
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(wall / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = encodeHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
