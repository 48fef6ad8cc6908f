import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, createManualClock } from '@tallystick/core';
import {
  buildReport,
  createMemoryLedger,
  createReconciler,
  type RunTotals,
  snapshotLedger,
} from '@tallystick/reconcile';
import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKLOG_START, backlog, backlogKeys, batches } from './support/backlog.js';
import { testVerifier } from './support/ed25519-verifier.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const available = await serviceAvailable('postgres');
const PROCESSES = 4;

function worker(
  schema: string,
  file: string,
  seed: number,
  batch: number,
): Promise<{ totals: RunTotals; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@tallystick/source',
        join(here, 'support', 'reconcile-worker.ts'),
        PG_URL,
        schema,
        file,
        String(seed),
        String(batch),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${seed} exited ${code}: ${err}`)),
    );
  });
}

describe.skipIf(!available)('distributed: several reconciler processes on one Postgres', () => {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  const schema = uniqueName('rc_dist');
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-reconcile-'));
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${PROCESSES} processes fed the same backlog concurrently equal one process, every intent applied once`, async () => {
    const items = [...backlog({ intents: 1500, devices: 6, skus: 40, seed: 42, conflictRate: 0.03 })];
    const file = join(dir, 'backlog.json');
    writeFileSync(file, JSON.stringify(items));
    // Creating the tables first keeps the children's startup out of the race we want to test.
    await createPostgresLedger({ pool, schema });

    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) => worker(schema, file, i + 1, 50)),
    );

    const distinct = new Set(items.map((i) => (i as { id: string }).id)).size;
    const accepted = runs.reduce((sum, r) => sum + r.totals.accepted, 0);
    expect(accepted).toBe(distinct);
    for (const r of runs) {
      expect(r.totals.received).toBe(items.length);
      expect(r.totals.accepted + r.totals.duplicates + r.totals.rejected).toBe(items.length);
      expect(r.totals.rejected).toBe(0);
    }
    // Several processes really did share the work.
    expect(runs.filter((r) => r.totals.accepted > 0).length).toBeGreaterThan(1);

    const shared = await createPostgresLedger({ pool, schema });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM "${schema}".tallystick_intents`,
    );
    expect(rows[0]).toEqual({ n: distinct, d: distinct });

    const single = createMemoryLedger();
    const one = createReconciler({
      ledger: single,
      verifier: testVerifier([backlogKeys.good]),
      clock: createManualClock(BACKLOG_START + 10 * 86_400_000),
    });
    for (const batch of batches(items, 500)) await one.apply(batch);
    expect(canonicalJson(await snapshotLedger(shared))).toBe(canonicalJson(await snapshotLedger(single)));
    const report = await buildReport(shared);
    expect(canonicalJson(report)).toBe(canonicalJson(await one.report()));
    expect(report.review.length + report.resolved.length).toBeGreaterThan(20);
    console.log(
      `distributed: ${runs.map((r) => `${r.totals.accepted} applied in ${Math.round(r.ms)} ms`).join(', ')}`,
    );
  });
});
