/**
 * The junk flood of issue 14 item 7, full size: one anonymous client sends
 * 100,000 requests with fresh Idempotency-Keys (10,000 with BENCH_QUICK=1)
 * to the example reconcile server (memory storage, its default per-device
 * quota), 32 at a time, over HTTP. Before the fix every junk 400 was kept
 * for 24 h and 100,000 of them filled the memory store, after which every
 * till got 503 for a day. Now: refusals are not kept, the flooding scope gets
 * 429 past its quota, and a till's batch right after the flood is applied.
 */
import { createHlc, encodeHlc, newIntentId } from '@tallystick/core';
import { startServer } from '../../examples/reconcile-server/src/index.js';
import { QUICK } from '../lib/harness.js';

export async function run(): Promise<void> {
  const total = QUICK ? 10_000 : 100_000;
  const server = await startServer({ storage: { kind: 'memory' } });
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < total) {
          const i = next++;
          const response = await fetch(`${server.url}/intents`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `junk-${i}` },
            body: '{"junk":true}',
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const hlc = createHlc({ node: 'till-1' });
    const sale = {
      id: newIntentId(),
      type: 'sale',
      device: 'till-1',
      hlc: encodeHlc(hlc.now()),
      createdAt: Date.now(),
      payload: { sku: 'espresso', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
    };
    const till = await fetch(`${server.url}/intents`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `sale-${sale.id}`,
        'x-tallystick-device': 'till-1',
      },
      body: JSON.stringify({ intents: [sale] }),
    });
    console.log(
      `${total} junk requests in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s): ` +
        [...statuses].map(([status, n]) => `${n}×${status}`).join(', '),
    );
    console.log(`a till's batch right after the flood: HTTP ${till.status}`);
    if (till.status !== 200) throw new Error(`the till was locked out: ${till.status}`);
  } finally {
    await server.close();
  }
}
