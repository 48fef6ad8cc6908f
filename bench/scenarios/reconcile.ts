/**
 * Reconciliation throughput and memory.
 *
 * 1. Intents/s through the memory ledger, Postgres (the machine's server) and
 *    embedded PGlite, at batch sizes 1, 100 and 1,000, on a busy-shop backlog
 *    with ~10 % re-sent duplicates and ~1 % conflicting intents. Redemptions are
 *    real @tallystick/token tokens, checked with its batch verifier. Targets on
 *    this 2-core box: >= 50,000/s memory and >= 5,000/s Postgres at batch 1,000.
 * 2. 1,000,000 intents streamed (generated lazily, in batches of 1,000): heap
 *    after GC sampled every 100,000, through Postgres (engine memory must stay
 *    flat) and through the memory ledger (which keeps every intent by design).
 * 3. The distributed run: 4 reconciler processes fed the same backlog against
 *    one Postgres, checked equal to one process.
 * 4. Late arrivals: the cost of one intent stamped before a SKU's last applied
 *    one, with checkpoints and without (bench/lib/reconcile-late.ts).
 *
 * Same-run baseline for throughput: a validate-only pass (parseIntent) over the
 * same backlog, which bounds what the engine could reach on this box.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { canonicalJson, createManualClock } from '@tallystick/core';
import {
  buildReport,
  createMemoryLedger,
  createReconciler,
  fromTokenVerifier,
  type Ledger,
  parseIntent,
  type RedemptionVerifier,
  type RunTotals,
} from '@tallystick/reconcile';
import { createPgliteLedger } from '@tallystick/reconcile/pglite';
import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import { PG_URL, serviceAvailable } from '@tallystick/testkit';
import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
import pg from 'pg';
import {
  BACKLOG_START,
  backlog,
  backlogKeys,
  batches,
} from '../../packages/reconcile/test/support/backlog.js';
import { testVerifier } from '../../packages/reconcile/test/support/ed25519-verifier.js';
import { machineInfo, median, printRows, QUICK, writeResult } from '../lib/harness.js';
import { lateArrivals } from '../lib/reconcile-late.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const clock = createManualClock(BACKLOG_START + 30 * 86_400_000);
const issuerClock = createManualClock(BACKLOG_START - 60_000);
const good = createIssuer({ ...generateIssuerKey(), clock: issuerClock, defaultTtlMs: 60 * 86_400_000 });
const stranger = createIssuer({ ...generateIssuerKey(), clock: issuerClock });
const tokens = {
  issue: () => good.issue({ amount: { amount: 500, currency: 'EUR' } }).qr,
  stray: () => stranger.issue().qr,
};
const verifier = fromTokenVerifier(createVerifier({ keys: [good.verificationKey], clock }));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMiB = () => {
  gc();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
};

type Adapter = 'memory' | 'postgres' | 'pglite';
interface Config {
  adapter: Adapter;
  batch: number;
  intents: number;
}

interface Measured {
  seconds: number;
  /** This process's CPU time (engine, driver, GC threads; not the Postgres server's). */
  cpuSeconds: number;
  delivered: number;
  accepted: number;
  duplicates: number;
  verdicts: number;
}

async function reconcileAll(
  ledger: Ledger,
  items: unknown[],
  batch: number,
  v: RedemptionVerifier = verifier,
) {
  const reconciler = createReconciler({ ledger, verifier: v, clock });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let totals: RunTotals | undefined;
  for await (const event of reconciler.run(batches(items, batch)))
    if (event.type === 'done') totals = event.totals;
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    totals: totals!,
  };
}

export async function run(): Promise<void> {
  const pgUp = await serviceAvailable('postgres');
  const pool = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;
  const schemas: string[] = [];
  const open = async (adapter: Adapter): Promise<{ ledger: Ledger; done: () => Promise<void> }> => {
    if (adapter === 'memory') return { ledger: createMemoryLedger(), done: async () => undefined };
    if (adapter === 'pglite') {
      const ledger = await createPgliteLedger();
      return { ledger, done: () => ledger.close() };
    }
    const schema = `bench_reconcile_${schemas.length}_${process.pid}`;
    schemas.push(schema);
    await pool!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    const ledger = await createPostgresLedger({ pool: pool!, schema });
    return {
      ledger,
      done: () => pool!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined),
    };
  };

  const scale = QUICK ? 0.2 : 1;
  const configs: Config[] = [
    { adapter: 'memory' as const, batch: 1, intents: 20_000 },
    { adapter: 'memory' as const, batch: 100, intents: 100_000 },
    { adapter: 'memory' as const, batch: 1000, intents: 200_000 },
    ...(pgUp
      ? [
          { adapter: 'postgres' as const, batch: 1, intents: 2_000 },
          { adapter: 'postgres' as const, batch: 100, intents: 20_000 },
          { adapter: 'postgres' as const, batch: 1000, intents: 50_000 },
        ]
      : []),
    { adapter: 'pglite' as const, batch: 1, intents: 1_000 },
    { adapter: 'pglite' as const, batch: 100, intents: 10_000 },
    { adapter: 'pglite' as const, batch: 1000, intents: 20_000 },
  ].map((c) => ({ ...c, intents: Math.round(c.intents * scale) }));

  console.log('generating the backlog ...');
  const largest = Math.max(...configs.map((c) => c.intents));
  const items = [...backlog({ intents: largest, seed: 7, tokens })];
  // Warm the JIT on a throwaway ledger so the first contender does not pay for it.
  await reconcileAll(createMemoryLedger(), items.slice(0, 20_000), 1000);

  const rounds = QUICK ? 1 : 3;
  const results = new Map<string, Measured[]>();
  for (let round = 0; round < rounds; round++) {
    const order = configs.map((_, i) => configs[(i + round) % configs.length]!);
    for (const config of order) {
      const slice = items.slice(0, config.intents);
      const { ledger, done } = await open(config.adapter);
      const { seconds, cpuSeconds, totals } = await reconcileAll(ledger, slice, config.batch);
      const report = await buildReport(ledger);
      await done();
      const key = `${config.adapter}/${config.batch}`;
      const list = results.get(key) ?? [];
      list.push({
        seconds,
        cpuSeconds,
        delivered: totals.received,
        accepted: totals.accepted,
        duplicates: totals.duplicates,
        verdicts: report.review.length + report.resolved.length,
      });
      results.set(key, list);
      console.log(
        `  round ${round + 1} ${key}: ${Math.round(totals.received / seconds).toLocaleString('en-US')} intents/s`,
      );
    }
  }
  const validateOnly = median(
    Array.from({ length: rounds }, () => {
      const slice = items.slice(0, 200_000 * scale);
      const started = performance.now();
      let ok = 0;
      for (const item of slice) if (parseIntent(item).ok) ok++;
      if (ok === 0) throw new Error('validate-only pass accepted nothing');
      return slice.length / ((performance.now() - started) / 1000);
    }),
  );
  const baseline = median(results.get('memory/1000')!.map((m) => m.delivered / m.seconds));
  const rows = configs.map((c) => {
    const runs = results.get(`${c.adapter}/${c.batch}`)!;
    const perSec = median(runs.map((m) => m.delivered / m.seconds));
    const first = runs[0]!;
    return {
      adapter: c.adapter,
      batch: c.batch,
      intents: first.delivered,
      'intents/s': Math.round(perSec),
      'applied/s': Math.round(median(runs.map((m) => m.accepted / m.seconds))),
      'vs memory@1000': `${(perSec / baseline).toFixed(3)}x`,
      'vs validate-only': `${(perSec / validateOnly).toFixed(3)}x`,
      // Wall-clock rates move with whatever else runs on the box; CPU per intent does much less.
      'CPU µs/intent': (median(runs.map((m) => m.cpuSeconds / m.delivered)) * 1e6).toFixed(1),
      duplicates: `${((first.duplicates / first.delivered) * 100).toFixed(1)}%`,
      conflicts: `${((first.verdicts / first.accepted) * 100).toFixed(2)}%`,
    };
  });
  printRows('reconcile: intents/s (median of rounds; duplicates and conflicts as measured)', rows);
  console.log(
    `  validate-only (parseIntent) baseline: ${Math.round(validateOnly).toLocaleString('en-US')} intents/s`,
  );

  const streamed = QUICK ? 100_000 : 1_000_000;
  const stream: Record<string, string | number>[] = [];
  for (const adapter of pgUp ? (['postgres', 'memory'] as const) : (['memory'] as const)) {
    const { ledger, done } = await open(adapter);
    const reconciler = createReconciler({ ledger, verifier, clock });
    const heap: number[] = [heapMiB()];
    const started = performance.now();
    const cpu = process.cpuUsage();
    let seen = 0;
    const source = batches(backlog({ intents: streamed, seed: 11, tokens }), 1000);
    for await (const event of reconciler.run(source)) {
      if (event.type !== 'progress') continue;
      seen += event.result.received;
      if (seen % 100_000 === 0) heap.push(heapMiB());
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const report = await buildReport(ledger);
    stream.push({
      adapter,
      intents: seen,
      seconds: Math.round(seconds),
      'intents/s': Math.round(seen / seconds),
      'CPU µs/intent (incl. generation)': (((used.user + used.system) / seen) * 1).toFixed(1),
      'heap MiB (start → every 100k)': heap.join(' → '),
      'heap growth MiB': Math.round((heap.at(-1)! - heap[0]!) * 10) / 10,
      review: report.review.length,
      resolved: report.resolved.length,
    });
    await done();
  }
  printRows(
    `reconcile: ${streamed.toLocaleString('en-US')} intents streamed in batches of 1,000 (generation included)`,
    stream,
  );

  const distributed = pgUp
    ? [
        await distributedRun(pool!, QUICK ? 20_000 : 200_000, 'offset'),
        await distributedRun(pool!, QUICK ? 5_000 : 20_000, 'shuffle'),
      ]
    : undefined;
  if (distributed) printRows('reconcile: 4 processes vs 1 on one Postgres', distributed);

  const late: Record<string, string | number>[] = [];
  const lateConfigs = [
    { adapter: 'memory' as const, size: 10_000 },
    { adapter: 'memory' as const, size: 100_000 },
    ...(pgUp ? [{ adapter: 'postgres' as const, size: 10_000 }] : []),
  ].map((c) => ({ ...c, size: Math.round(c.size * scale) }));
  for (const { adapter, size } of lateConfigs) {
    const measured: Record<string, { lateUs: number; inOrderUs: number }> = {};
    for (const [label, every] of [
      ['checkpoints every 64', 64],
      ['no checkpoints', Number.MAX_SAFE_INTEGER],
    ] as const) {
      const { ledger, done } = await open(adapter);
      measured[label] = await lateArrivals(ledger, size, every, QUICK ? 10 : 20);
      await done();
    }
    const withCp = measured['checkpoints every 64']!;
    const without = measured['no checkpoints']!;
    late.push({
      adapter,
      'SKU history': size,
      'late µs (checkpoints)': Math.round(withCp.lateUs),
      'late µs (no checkpoints)': Math.round(without.lateUs),
      'in-order µs (same run)': Math.round(withCp.inOrderUs),
      'late / in-order (checkpoints)': `${(withCp.lateUs / withCp.inOrderUs).toFixed(1)}x`,
      'no checkpoints / checkpoints': `${(without.lateUs / withCp.lateUs).toFixed(1)}x`,
    });
  }
  printRows('reconcile: one late sale (32-72 intents before the end of its SKU), batch 1, median', late);

  for (const schema of schemas) await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool?.end();
  writeResult('reconcile', {
    scenario: 'reconcile',
    date: new Date().toISOString(),
    machine: machineInfo(),
    baseline: 'memory at batch 1,000',
    throughput: rows,
    raw: Object.fromEntries(results),
    validateOnly: Math.round(validateOnly),
    stream,
    distributed,
    late,
    notes: [
      'Backlog: 16 tills, 500 SKUs, roughly time-ordered with 32-item jitter; ~10 % re-sent duplicates, ~1 % conflicts.',
      'Redemptions (~1 %) are @tallystick/token tokens checked with its batch verifier (node:crypto backend).',
      pgUp
        ? `Postgres: ${PG_URL.replace(/\/\/[^@]*@/, '//')}, pg.Pool of 4.`
        : 'Postgres not reachable: rows skipped.',
    ],
  });
}

/** Four worker processes race through one shared backlog; the result must equal one process's. */
async function distributedRun(
  pool: pg.Pool,
  intents: number,
  order: 'offset' | 'shuffle',
): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-bench-'));
  const file = join(dir, 'backlog.json');
  const items = [...backlog({ intents, seed: 5, skus: 2000 })];
  writeFileSync(file, JSON.stringify(items));
  const schema = `bench_reconcile_dist_${process.pid}`;
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const shared = await createPostgresLedger({ pool, schema });
  const worker = (seed: number) =>
    new Promise<{ totals: RunTotals; ms: number }>((resolve, reject) => {
      const script = join(root, 'packages', 'reconcile', 'test', 'support', 'reconcile-worker.ts');
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@tallystick/source',
          script,
          PG_URL,
          schema,
          file,
          String(seed),
          '1000',
          order,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}`)),
      );
    });
  const started = performance.now();
  const runs = await Promise.all([1, 2, 3, 4].map(worker));
  const seconds = (performance.now() - started) / 1000;
  const single = createMemoryLedger();
  const alone = await reconcileAll(single, items, 1000, testVerifier([backlogKeys.good]));
  const same = canonicalJson(await buildReport(shared)) === canonicalJson(await buildReport(single));
  const distinct = new Set(items.map((i) => i.id)).size;
  const applied = runs.reduce((sum, r) => sum + r.totals.accepted, 0);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  rmSync(dir, { recursive: true, force: true });
  return {
    'arrival per process': order === 'offset' ? 'time order, staggered' : 'random order (worst case)',
    backlog: items.length,
    distinct,
    'applied (sum of 4)': applied,
    'each applied once': applied === distinct ? 'yes' : 'NO',
    'report equals 1 process': same ? 'yes' : 'NO',
    'wall s (4 processes, incl. startup)': Math.round(seconds),
    'per-process applied': runs.map((r) => r.totals.accepted).join(' / '),
    'memory, 1 process, s': Math.round(alone.seconds),
  };
}
