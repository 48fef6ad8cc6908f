/**
 * The IndexedDB spent store in real Chromium: how fast a kiosk records
 * redeems (each one strict, flushed transaction), one at a time and with
 * several in flight; then a crash loop that SIGKILLs the browser mid-stream
 * and checks on relaunch that every acknowledged redeem is still recorded.
 * The vitest suites run one short kill; this runs many.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@tallystick/testkit';
import { chromium } from 'playwright-core';
import { countAfterRelaunch, killMidRedeem } from '../../packages/token/test/browser/chromium-process.js';
import { call, openPage, servePage } from '../../packages/token/test/browser/serve.js';
import { printRows, QUICK, writeResult } from '../lib/harness.js';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

export async function run(): Promise<void> {
  if (!chromiumAvailable('bench/spent-indexeddb')) return;
  const server = await servePage();
  const profile = mkdtempSync(join(tmpdir(), 'tallystick-bench-chromium-'));
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const rows: Record<string, string | number>[] = [];
    try {
      const page = await browser.newPage();
      await openPage(page, server.url);
      const n = QUICK ? 500 : 3000;
      for (const concurrency of [1, 8]) {
        const { ms, latencies } = await call(page, 'timeAdds', n, concurrency);
        const sorted = [...latencies].sort((a, b) => a - b);
        rows.push({
          'in flight': concurrency,
          redeems: n,
          'redeems/s': Math.round((n / ms) * 1000),
          'p50 ms': percentile(sorted, 0.5).toFixed(2),
          'p99 ms': percentile(sorted, 0.99).toFixed(2),
        });
      }
    } finally {
      await browser.close();
    }
    printRows('spent-indexeddb: checkAndAdd in Chromium, durability strict', rows);

    const kills = Number(process.env.SPENT_KILLS ?? (QUICK ? 3 : 15));
    const acked: string[] = [];
    let lost = 0;
    // A relaunch whose store refuses to open because Chromium wiped it: a loss detected, not a silent one.
    let refused = '';
    for (let k = 0; k < kills && !refused && lost === 0; k++) {
      // Kill at a different depth each time, from a few dozen redeems to a few thousand.
      const target = 50 + Math.floor(crypto.getRandomValues(new Uint32Array(1))[0]! % 3000);
      acked.push(...(await killMidRedeem(profile, server.url, target)));
      try {
        lost = acked.length - (await countAfterRelaunch(profile, server.url, acked));
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
      }
      console.log(
        `  kill ${k + 1}/${kills}: ${acked.length} acknowledged so far, ${lost} missing${refused ? `; refused: ${refused}` : ''}`,
      );
    }
    const crash = { kills, acknowledged: acked.length, lost, refusedAfterWipe: refused || 'no' };
    printRows('spent-indexeddb: SIGKILL mid-redeem, relaunch, count', [crash]);
    writeResult('spent-indexeddb', { date: new Date().toISOString(), throughput: rows, crash });
    if (lost > 0) throw new Error(`spent-indexeddb: ${lost} acknowledged redeems lost after SIGKILL`);
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
