import { readFileSync } from 'node:fs';
import { createManualClock } from '@tallystick/core';
import { createMemoryLedger, withPolicies } from '@tallystick/reconcile';
import { batches, BACKLOG_START, backlogKeys } from './test/support/backlog.js';
import { testVerifier } from './test/support/ed25519-verifier.js';
import { screen, toStored } from './src/lib/prepare.js';
import { applyBatch } from './src/lib/apply.js';
const all = JSON.parse(readFileSync('/tmp/backlog100k.json', 'utf8'));
const verifier = testVerifier([backlogKeys.good]);
const clock = createManualClock(BACKLOG_START + 1e9);
const fold = { policies: withPolicies(), holdGraceMs: 0 };
const now = () => performance.now() * 1000;
for (const items of [all.slice(100000), all.slice(0, 100000)]) {
const ledger = createMemoryLedger();
const t = { screen: 0, known: 0, stored: 0, tx: 0 };
for (const b of batches(items, 1000)) {
  let c = now();
  const s = screen(b, clock, 1e9); t.screen += now() - c; c = now();
  const known = await ledger.fingerprints(s.candidates.map((x) => x.intent.id));
  const fresh = s.candidates.filter((x) => !known.has(x.intent.id)); t.known += now() - c; c = now();
  const stored = await toStored(fresh, verifier, []); t.stored += now() - c; c = now();
  await ledger.transaction((tx) => applyBatch(tx, stored, fold)); t.tx += now() - c;
}
console.log(Object.entries(t).map(([k, v]) => `${k} ${(v / items.length).toFixed(2)}`).join(', '), 'us/intent wall');
}
