/**
 * `npm run demo`: an evening market, end to end, on embedded defaults only.
 * Three stalls sell and redeem vouchers offline for two hours, one till is
 * killed mid-rush, then all reconnect and replay (twice) to a reconciliation
 * server on embedded PGlite. Every number printed comes from this run.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, formatMoney } from '@tallystick/core';
import { startServer } from '@tallystick/example-reconcile-server';
import { createHttpSender } from '@tallystick/queue/http';
import { decodeKeySet } from '@tallystick/token';
import { killMidRush } from './crash.js';
import { runDay } from './day.js';
import { PRODUCTS, prepareMarket, quotasOf, STALLS, WINDOW_MS } from './market.js';
import { replayAll } from './replay.js';
import { printReport } from './report.js';
import { openTerminal, type Terminal } from './terminal.js';

const started = performance.now();
const root = mkdtempSync(join(tmpdir(), 'tallystick-demo-'));
const clock = createManualClock(Date.UTC(2026, 10, 21, 17, 0));
const say = (text: string) => console.log(text);

say('tallystick demo: an offline evening market\n');
const market = prepareMarket(clock);
say(`1. The shop issued ${Object.keys(market.vouchers).length} vouchers (issuer key ${market.issuer.kid}):`);
for (const v of Object.values(market.vouchers)) say(`   - ${v.label}: ${v.text.length}-character QR text`);

say(`\n2. Stock quotas for a ${WINDOW_MS / 3_600_000}-hour offline window (ε = 5% chance a stall runs out):`);
for (const product of PRODUCTS) {
  const a = market.allocations[product.sku]!;
  const quotas = a.devices.map((d) => `${d.id} ${d.quota}`).join(', ');
  say(
    `   - ${product.name}, ${product.stock} in stock: ${quotas}; server keeps ${a.serverRemainder} (${a.strategy})`,
  );
}

const server = await startServer({
  storage: { kind: 'pglite' },
  clock,
  keys: { trusted: [market.issuer.verificationKey] },
  catalog: PRODUCTS.map((p) => ({ sku: p.sku, name: p.name, price: p.price, stock: p.stock })),
});
const send = createHttpSender({ url: `${server.url}/intents`, clock });
// Each stall loads the key set the server publishes, as a till does at setup: decodeKeySet checks
// every key (kid, prime order, window) and never throws.
const keySet = decodeKeySet(await (await fetch(`${server.url}/keys`)).text());
if (!keySet.ok) throw new Error(`GET /keys refused (${keySet.code}): ${keySet.message}`);
const terminals: Terminal[] = [];
for (const id of STALLS) {
  terminals.push(
    await openTerminal({
      id,
      dir: join(root, id),
      keys: keySet.keys,
      clock,
      quotas: quotasOf(market, id),
      send,
    }),
  );
}

try {
  say('\n3. The network drops. The stalls sell and redeem offline:');
  const day = await runDay({
    market,
    terminals,
    clock,
    crash: (terminal, at, sales) => killMidRush(terminal, at, sales, PRODUCTS[0].price.amount),
    say,
  });

  say(
    '\n4. The link returns. Every till replays its queue, then replays it again from a backup (a retry storm):',
  );
  for (const t of terminals) await t.close();
  for (const t of terminals) {
    cpSync(t.dir, `${t.dir}-backup`, { recursive: true, filter: (src) => !src.endsWith('queue.lock') });
  }
  for (const t of terminals) await t.reopen();
  const replay = await replayAll(terminals, send, clock, say);

  const report = await server.reconciler.report();
  printReport({ say, report, metrics: server.metrics(), day, replay, terminals, market });
  say(
    `\nFinished in ${((performance.now() - started) / 1000).toFixed(1)} s. Total voucher value redeemed offline: EUR ${formatMoney({ amount: day.redeemedValue, currency: 'EUR' })}.`,
  );
} finally {
  for (const t of terminals) await t.close().catch(() => undefined);
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
