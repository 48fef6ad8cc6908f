/** Rendering: plain DOM, no framework; each function owns one part of index.html. */
import { money } from '@tallystick/core';
import QRCode from 'qrcode';
import type { Product, Receipt } from './checkout.js';
import { display } from './storage.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
};

function item(text: string, amount?: string, className?: string): HTMLLIElement {
  const li = document.createElement('li');
  if (className) li.className = className;
  const label = document.createElement('span');
  label.textContent = text;
  li.append(label);
  if (amount !== undefined) {
    const value = document.createElement('span');
    value.textContent = amount;
    li.append(value);
  }
  return li;
}

export function renderProducts(products: readonly Product[], onAdd: (sku: string) => void): void {
  const list = $('products');
  list.replaceChildren(
    ...products.map((p) => {
      const li = document.createElement('li');
      li.dataset.sku = p.sku;
      const button = document.createElement('button');
      button.type = 'button';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = p.name;
      const price = document.createElement('span');
      price.className = 'price';
      price.textContent = display(p.price);
      button.append(name, price);
      button.addEventListener('click', () => onAdd(p.sku));
      li.append(button);
      return li;
    }),
  );
}

export function renderCart(cart: ReadonlyMap<string, number>, products: readonly Product[]): void {
  const lines: HTMLLIElement[] = [];
  let total = 0;
  let currency = products[0]?.price.currency ?? 'EUR';
  for (const [sku, quantity] of cart) {
    const p = products.find((x) => x.sku === sku);
    if (!p) continue;
    currency = p.price.currency;
    total += p.price.amount * quantity;
    lines.push(item(`${quantity} × ${p.name}`, display(money(p.price.amount * quantity, currency))));
  }
  $('cart-lines').replaceChildren(
    ...(lines.length ? lines : [item('Tap a product to add it.', undefined, 'empty')]),
  );
  $('cart-total').textContent = lines.length ? display(money(total, currency)) : '–';
  const button = $<HTMLButtonElement>('checkout');
  button.disabled = lines.length === 0;
  button.textContent = lines.length ? `Pay ${display(money(total, currency))}` : 'Pay';
}

export type ReceiptStatus = 'queued' | 'synced' | 'problem';

export async function renderReceipt(receipt: Receipt | undefined, status: ReceiptStatus): Promise<void> {
  const section = $('receipt');
  if (!receipt) {
    section.hidden = true;
    return;
  }
  const img = $<HTMLImageElement>('receipt-qr');
  if (img.dataset.code !== receipt.id) {
    // Error correction M and a 4-module quiet zone: what phone and till scanners expect.
    img.src = await QRCode.toDataURL(receipt.qr, { errorCorrectionLevel: 'M', margin: 4, scale: 5 });
    img.dataset.code = receipt.id;
  }
  $('receipt-no').textContent = receipt.id;
  $('receipt-lines').replaceChildren(
    ...receipt.lines.map((l) =>
      item(
        `${l.quantity} × ${l.name}`,
        display(money(l.unitPrice.amount * l.quantity, l.unitPrice.currency)),
      ),
    ),
  );
  $('receipt-total').textContent = display(receipt.total);
  const badge = $('receipt-status');
  badge.className = `chip ${status}`;
  badge.textContent =
    status === 'synced'
      ? 'Reconciled with the shop'
      : status === 'problem'
        ? 'Refused by the shop: see the queue'
        : 'Saved on this device; syncs when online';
  section.hidden = false;
}

export function renderStatus(online: boolean, pending: number, codes: number): void {
  const network = $('network');
  network.textContent = online ? 'Online' : 'Offline';
  network.className = `chip ${online ? 'online' : 'offline'}`;
  $('pending').textContent = `${pending} queued`;
  $('codes').textContent = `${codes} receipt code${codes === 1 ? '' : 's'}`;
}

export function showMessage(text: string): void {
  $('message').textContent = text;
}
