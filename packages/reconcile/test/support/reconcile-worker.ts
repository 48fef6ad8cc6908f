/**
 * One reconciler process for the distributed test and the bench:
 *   node --import tsx --conditions=@tallystick/source reconcile-worker.ts <pg url> <schema> <backlog.json> <seed> <batch> [shuffle|offset]
 * Applies the whole backlog to the shared Postgres and prints its run totals as
 * JSON on stdout. `shuffle` (default): in its own random order, the worst case.
 * `offset`: in backlog (time) order, starting `seed` quarter-batches in and
 * wrapping around, as instances behind a load balancer see one stream.
 */
import { readFileSync } from 'node:fs';
import { createManualClock } from '@tallystick/core';
import { createReconciler } from '@tallystick/reconcile';
import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import pg from 'pg';
import { BACKLOG_START, backlogKeys, batches, prng } from './backlog.js';
import { testVerifier } from './ed25519-verifier.js';

const [url, schema, file, seed, size, order = 'shuffle'] = process.argv.slice(2);
let items = JSON.parse(readFileSync(file!, 'utf8')) as unknown[];
if (order === 'offset') {
  const start = (Number(seed) * Math.floor(Number(size) / 4)) % items.length;
  items = [...items.slice(start), ...items.slice(0, start)];
} else {
  const random = prng(Number(seed));
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
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
