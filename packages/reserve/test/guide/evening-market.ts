import { createManualClock } from '@tallystick/core';
import { boundedCounter, isReview } from '@tallystick/merge';
import {
  allocate,
  allotQuotas,
  createOfflineClock,
  exposure,
  holdDeadlines,
  maxOfflineWindow,
  oversellProbability,
  terminalHoldStatus,
} from '@tallystick/reserve';

const HOUR = 3_600_000;
const tills = [
  { id: 'grill', ratePerHour: 30 },
  { id: 'noodles', ratePerHour: 20 },
  { id: 'drinks', ratePerHour: 10 },
];
const rates = tills.map((t) => t.ratePerHour);

// 1. Quotas for a 2-hour offline window, at most 5% stockout risk per till.
const plan = allocate({ stock: 160, devices: tills, windowMs: 2 * HOUR, maxStockoutProbability: 0.05 });
console.log(
  `${plan.strategy}: quotas ${plan.devices.map((d) => d.quota)}, server keeps ${plan.serverRemainder}`,
);
for (const d of plan.devices) {
  const risk = d.stockoutProbability.toFixed(4);
  console.log(
    `  ${d.id}: mean ${d.expectedDemand}, P(stockout) ${risk}, sells ${d.expectedSales.toFixed(2)}`,
  );
}

// 2. The same stock shared without quotas: the risk of overselling, and the longest safe window.
const oversell = oversellProbability({ stock: 160, ratesPerHour: rates, windowMs: 2 * HOUR });
console.log(`P(oversell in 2 h) = ${oversell.toExponential(3)}`);
const longest = maxOfflineWindow({ stock: 160, ratesPerHour: rates, maxOversellProbability: 0.001 });
console.log(`offline for at most ${longest.windowMs} ms = ${(longest.windowMs / 60_000).toFixed(1)} min`);

// 3. A delivery came short: 100 units for quotas that need 152.
const short = allocate({ stock: 100, devices: tills, windowMs: 2 * HOUR, maxStockoutProbability: 0.05 });
const shortQuotas = short.devices.map((d) => d.quota);
console.log(`${short.strategy}: quotas ${shortQuotas}, expected sales ${short.expectedSales.toFixed(2)}`);

// 4. The server hands the quotas out as rights; a till that runs low borrows from another, offline.
const stock = boundedCounter();
const allotted = allotQuotas(stock.increment(stock.empty(), 'server', 160), 'server', plan.devices);
if (isReview(allotted)) throw new Error(allotted.review);
let grill = allotted.value; // each till keeps its own copy of the state
const lent = stock.transfer(allotted.value, 'drinks', 'grill', 5);
console.log(`drinks gives grill 5: ${!isReview(lent)}`);
if (!isReview(lent)) grill = stock.merge(grill, lent.value);
const sold = stock.decrement(grill, 'grill', 78);
if (!isReview(sold)) grill = sold.value;
console.log(
  `grill sells 78: ${!isReview(sold)}, then 1 more: ${!isReview(stock.decrement(grill, 'grill', 1))}`,
);

// 5. A 15-minute pickup hold; clocks agree within 30 s; 1 minute of grace.
const opens = Date.UTC(2026, 5, 5, 17, 0);
const hold = { id: 'pickup-17', expiresAt: opens + 15 * 60_000 };
const policy = { maxSkewMs: 30_000, graceMs: 60_000 };
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const { terminalStopsAt, serverReclaimsAt } = holdDeadlines(hold, policy);
console.log(`till stops at ${time(terminalStopsAt)}, server reclaims at ${time(serverReclaimsAt)}`);
const clock = createManualClock(opens);
const offline = createOfflineClock(clock);
clock.advance(10 * 60_000);
clock.set(opens); // someone sets the till's clock back 10 minutes
const status = terminalHoldStatus(hold, policy, offline);
console.log(`after 10 min and a clock set back: honoured ${status.honoured}, ${status.remainingMs} ms left`);

// 6. €25 vouchers accepted offline at every till, capped at €25 each and €300 per till.
const vouchers = Array.from({ length: 20 }, (_, i) => ({
  id: `v${i}`,
  amount: 2500,
  terminals: ['grill', 'noodles', 'drinks'],
}));
const exposed = exposure({ tokens: vouchers, caps: { perToken: 2500, perTerminal: 30_000 } });
console.log(`face value ${exposed.faceValue} cents, value at risk ${exposed.valueAtRisk} cents`);
