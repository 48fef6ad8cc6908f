/**
 * One reconciler process for the distributed test and the bench:
 *   node --import tsx --conditions=@tallystick/source reconcile-worker.ts <pg url> <schema> <backlog.json> <seed> <batch>
 * Applies the whole backlog, in its own shuffled order, to the shared Postgres
 * and prints its run totals as JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import { createManualClock } from '@tallystick/core';
import { createReconciler } from '@tallystick/reconcile';
import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import pg from 'pg';
import { BACKLOG_START, backlogKeys, batches, prng } from './backlog.js';
import { testVerifier } from './ed25519-verifier.js';

const [url, schema, file, seed, size] = process.argv.slice(2);
const items = JSON.parse(readFileSync(file!, 'utf8')) as unknown[];
const random = prng(Number(seed));
for (let i = items.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [items[i], items[j]] = [items[j], items[i]];
}
const pool = new pg.Pool({ connectionString: url, max: 2 });
const ledger = await createPostgresLedger({ pool, schema: schema! });
const reconciler = createReconciler({
  ledger,
  verifier: testVerifier([backlogKeys.good]),
  clock: createManualClock(BACKLOG_START + 10 * 86_400_000),
});
const started = performance.now();
let totals: unknown;
for await (const event of reconciler.run(batches(items, Number(size)))) {
  if (event.type === 'done') totals = event.totals;
}
process.stdout.write(`${JSON.stringify({ totals, ms: performance.now() - started })}\n`);
await pool.end();
