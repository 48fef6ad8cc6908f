/**
 * The checkout app: sells from the menu whether or not there is a network,
 * shows a signed receipt QR for every sale, and hands the sales to the
 * reconcile server when the connection comes back.
 */
import type { IntentQueue } from '@tallystick/queue';
import { checkout, type Product, receipts } from './app/checkout.js';
import { ReceiptCodeBook } from './app/codes.js';
import { openOutbox } from './app/outbox.js';
import { deviceId } from './app/storage.js';
import {
  type ReceiptStatus,
  renderCart,
  renderProducts,
  renderReceipt,
  renderStatus,
  showMessage,
} from './app/view.js';

async function loadProducts(): Promise<Product[]> {
  // Online, the network answers; offline, the service worker answers with the last copy.
  const response = await fetch('/products');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return ((await response.json()) as { products: Product[] }).products;
}

/** Where the newest receipt stands: still queued, delivered, or refused (dead-lettered). */
async function statusOf(queue: IntentQueue, ids: readonly string[]): Promise<ReceiptStatus> {
  const dead = new Set((await queue.list({ status: 'dead', limit: 1000 })).map((q) => q.intent.id));
  if (ids.some((id) => dead.has(id))) return 'problem';
  const waiting = new Set((await queue.list({ limit: 1000 })).map((q) => q.intent.id));
  return ids.some((id) => waiting.has(id)) ? 'queued' : 'synced';
}

async function start(): Promise<void> {
  const device = deviceId();
  const book = new ReceiptCodeBook(device);
  const queue = await openOutbox(device);
  const cart = new Map<string, number>();
  let products: Product[] = [];

  const refresh = async () => {
    const stats = await queue.stats();
    renderStatus(navigator.onLine, stats.pending + stats.inflight, book.size);
    const latest = receipts()[0];
    await renderReceipt(latest, latest ? await statusOf(queue, latest.intentIds) : 'queued');
  };
  const refreshSoon = () => void refresh().catch((error: unknown) => showMessage(String(error)));

  try {
    products = await loadProducts();
  } catch {
    showMessage('The menu is not available offline until the app has been opened once online.');
  }
  renderProducts(products, (sku) => {
    cart.set(sku, (cart.get(sku) ?? 0) + 1);
    renderCart(cart, products);
  });
  renderCart(cart, products);

  document.getElementById('checkout')!.addEventListener('click', async () => {
    showMessage('');
    try {
      await checkout(cart, products, book, queue);
      cart.clear();
      renderCart(cart, products);
    } catch (error) {
      showMessage((error as Error).message);
    }
    refreshSoon();
  });

  for (const event of ['enqueued', 'acked', 'dead', 'retry'] as const) queue.on(event, refreshSoon);
  window.addEventListener('offline', refreshSoon);
  // The queue starts delivering on its own when the browser comes online; the
  // flush makes that explicit and lets the page refill its receipt codes after it.
  const sync = async () => {
    if (!navigator.onLine) return;
    await queue.flush();
    await book.topUp();
    await refresh();
  };
  window.addEventListener('online', () => void sync().catch((error: unknown) => showMessage(String(error))));

  await sync().catch(() => undefined);
  await refresh();
  document.body.dataset.ready = 'true';
}

if ('serviceWorker' in navigator) {
  // Absent under `vite dev` (the worker is built by `vite build`); then the app simply needs the network.
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
start().catch((error: unknown) => showMessage(`The app could not start: ${String(error)}`));
