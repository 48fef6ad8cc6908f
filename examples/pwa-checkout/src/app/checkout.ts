/**
 * Checkout, identical online and offline: spend a receipt code, queue one
 * `sale` intent per cart line and one `token.redeemed` intent for the code, and
 * keep the receipt to show. Nothing waits for the network.
 */
import {
  addMoney,
  INTENT_TYPES,
  type Money,
  money,
  REDEMPTION_INTENT_TYPE,
  type Redemption,
} from '@tallystick/core';
import type { IntentPayloadInputs } from '@tallystick/core/protocol';
import type { IntentQueue } from '@tallystick/queue';
import { decodeToken } from '@tallystick/token/verify';
import type { ReceiptCodeBook } from './codes.js';
import { load, save } from './storage.js';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
}

export interface ReceiptLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

export interface Receipt {
  /** The receipt code's token id: the receipt number. */
  readonly id: string;
  /** The signed code the QR carries. */
  readonly qr: string;
  readonly at: number;
  readonly lines: readonly ReceiptLine[];
  readonly total: Money;
  /** The queued intents, to tell whether the receipt has reached the server. */
  readonly intentIds: readonly string[];
}

const KEEP = 20;

export function receipts(): Receipt[] {
  return load<Receipt[]>('receipts', []);
}

/** Checks out a cart (sku → quantity). @throws Error when the cart is empty or no receipt code is left. */
export async function checkout(
  cart: ReadonlyMap<string, number>,
  products: readonly Product[],
  book: ReceiptCodeBook,
  queue: IntentQueue,
): Promise<Receipt> {
  const lines: ReceiptLine[] = [];
  for (const [sku, quantity] of cart) {
    const product = products.find((p) => p.sku === sku);
    if (product && quantity > 0) lines.push({ sku, name: product.name, quantity, unitPrice: product.price });
  }
  if (lines.length === 0) throw new Error('The cart is empty.');
  const code = book.take();
  if (!code) throw new Error('No receipt codes left: go online once to fetch more.');

  // One partition per receipt keeps its intents in order through the queue.
  const partitionKey = `receipt-${code.id}`;
  const intentIds: string[] = [];
  const now = Date.now();
  for (const line of lines) {
    const payload: IntentPayloadInputs['sale'] = {
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: { ...line.unitPrice },
    };
    const intent = await queue.enqueue({ type: INTENT_TYPES.sale, partitionKey, payload });
    intentIds.push(intent.id);
  }
  const redemption = await queue.enqueue({
    type: REDEMPTION_INTENT_TYPE,
    partitionKey,
    payload: redemptionOf(code.qr, book.device, now),
  });
  intentIds.push(redemption.id);

  const currency = lines[0]!.unitPrice.currency;
  const total = addMoney(
    money(0, currency),
    ...lines.map((l) => money(l.unitPrice.amount * l.quantity, currency)),
  );
  const receipt: Receipt = { id: code.id, qr: code.qr, at: now, lines, total, intentIds };
  save('receipts', [receipt, ...receipts()].slice(0, KEEP));
  return receipt;
}

/**
 * The redemption record for a receipt code this till spends. The code came
 * from the server's own book for this device, so the till need not verify it
 * (the server does, at reconciliation); it records the token's claims as the
 * protocol's `token.redeemed` payload.
 */
function redemptionOf(qr: string, terminal: string, redeemedAt: number): Redemption {
  const decoded = decodeToken(qr);
  if (!decoded.ok) throw new Error(`receipt code is not a token: ${decoded.message}`);
  const { id, kid, issuedAt, expiresAt, amount } = decoded.token;
  const value = amount ? { amount: amount.amount, currency: amount.currency } : {};
  return { tokenId: id, kid, ...value, terminal, redeemedAt, issuedAt, expiresAt, token: qr };
}
