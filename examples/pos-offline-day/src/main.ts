/**
 * `npm run demo`: the offline market day, built from the parts that exist so far.
 * Every number printed comes from this run.
 */
import {
  addMoney,
  compareHlc,
  createHlc,
  createManualClock,
  encodeHlc,
  formatMoney,
  newIntentId,
  parseMoney,
} from '@tallystick/core';

const clock = createManualClock(Date.UTC(2026, 10, 21, 17, 0));
const terminals = ['stall-a', 'stall-b', 'stall-c'].map((node) => createHlc({ node, clock }));
const sales: { id: string; hlc: string; terminal: string; amount: string }[] = [];
for (let minute = 0; minute < 9; minute++) {
  clock.advance(60_000);
  const hlc = terminals[minute % 3]!;
  const amount = parseMoney(`${3 + minute}.50`, 'EUR');
  sales.push({
    id: newIntentId(),
    hlc: encodeHlc(hlc.now()),
    terminal: hlc.node,
    amount: formatMoney(amount),
  });
}
const total = addMoney(...(sales.map((s) => parseMoney(s.amount, 'EUR')) as [ReturnType<typeof parseMoney>]));
const ordered = [...terminals.map((t) => t.peek()!)].sort(compareHlc);
console.log('tallystick demo — the parts built so far (@tallystick/core)');
console.log(`- ${sales.length} sales stamped on ${terminals.length} terminals with hybrid logical clocks`);
for (const s of sales) console.log(`  ${s.hlc}  ${s.terminal}  EUR ${s.amount}  intent ${s.id}`);
console.log(`- total in integer minor units: ${total.amount} (EUR ${formatMoney(total)})`);
console.log(`- last stamp per terminal, in HLC order: ${ordered.map((t) => t.node).join(' < ')}`);
