/**
 * Checkout, identical online and offline: spend a receipt code, queue one
 * `sale` intent per cart line and one `redemption` intent for the code, and
 * keep the receipt to show. Nothing waits for the network.
 */
import { addMoney, type Money, money } from '@tallystick/core';
import type { IntentQueue } from '@tallystick/queue';
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
  for (const line of lines) {
    const intent = await queue.enqueue({
      type: 'sale',
      partitionKey,
      payload: { sku: line.sku, quantity: line.quantity, unitPrice: { ...line.unitPrice } },
    });
    intentIds.push(intent.id);
  }
  const redemption = await queue.enqueue({ type: 'redemption', partitionKey, payload: { token: code.qr } });
  intentIds.push(redemption.id);

  const currency = lines[0]!.unitPrice.currency;
  const total = addMoney(
    money(0, currency),
    ...lines.map((l) => money(l.unitPrice.amount * l.quantity, currency)),
  );
  const receipt: Receipt = { id: code.id, qr: code.qr, at: Date.now(), lines, total, intentIds };
  save('receipts', [receipt, ...receipts()].slice(0, KEEP));
  return receipt;
}
