import { createManualClock } from '@tallystick/core';
import { createMemoryLedger, createReconciler, parseIntent } from '@tallystick/reconcile';
import { backlog, batches, BACKLOG_START, backlogKeys } from './test/support/backlog.js';
import { testVerifier } from './test/support/ed25519-verifier.js';
import { screen } from './src/lib/prepare.js';
let t = performance.now();
const items = [...backlog({ intents: 100000 })];
console.log('gen ms', performance.now() - t);
const clock = createManualClock(BACKLOG_START + 1e9);
for (let k = 0; k < 3; k++) {
t = performance.now();
for (const b of batches(items, 1000)) screen(b, clock, 1e9);
console.log('screen ms', performance.now() - t);
t = performance.now();
for (const it of items) parseIntent(it);
console.log('parse ms', performance.now() - t);
}
const ledger = createMemoryLedger();
const r = createReconciler({ ledger, verifier: testVerifier([backlogKeys.good]), clock });
t = performance.now();
for (const b of batches(items, 1000)) await r.apply(b);
console.log('apply ms', performance.now() - t);
