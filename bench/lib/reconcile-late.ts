/**
 * Late arrivals for bench/scenarios/reconcile.ts: one SKU with a long history
 * applied in time order, then sales stamped a few dozen intents before its
 * end, each delivered on its own (batch 1). With checkpoints the refold covers
 * what follows the checkpoint before the late sale; with checkpoints disabled
 * (an interval larger than the history) it covers the whole history, which is
 * what the engine did before checkpoints. In-order sales delivered the same
 * way are the same run's baseline.
 */
import { createManualClock } from '@tallystick/core';
import { createReconciler, type Ledger } from '@tallystick/reconcile';
import { eur, idOf, intent, type RawIntent } from '../../packages/reconcile/test/support/intents.js';
import { median } from './harness.js';

const T0 = 1_767_225_600_000;
const clock = createManualClock(T0 + 86_400_000);

/** `count` intents of one SKU, 10 ms apart: a restock of 10 every 10th, sales of 1 otherwise. */
function history(count: number): RawIntent[] {
  return Array.from({ length: count }, (_, n) => {
    const options = { id: idOf(n + 1) };
    return n % 10 === 0
      ? intent('restock', 'hq', T0 + n * 10, { sku: 'late', quantity: 10 }, options)
      : intent('sale', 'till-1', T0 + n * 10, { sku: 'late', quantity: 1, unitPrice: eur(100) }, options);
  });
}

/**
 * Applies `size` intents of history, then `late` late sales and `late` in-order
 * sales, one per batch, and returns the median µs of each kind.
 */
export async function lateArrivals(
  ledger: Ledger,
  size: number,
  checkpointEvery: number,
  late: number,
  behind = 32,
): Promise<{ lateUs: number; inOrderUs: number; verdicts: number }> {
  const reconciler = createReconciler({ ledger, clock, checkpointEvery });
  const items = history(size);
  for (let i = 0; i < items.length; i += 1000) await reconciler.apply(items.slice(i, i + 1000));
  const lateTimes: number[] = [];
  const inOrderTimes: number[] = [];
  let verdicts = 0;
  for (let k = 0; k < late; k++) {
    // Between two history intents, `behind` (plus up to 2k) from the end.
    const wall = T0 + (size - behind + k) * 10 + 5;
    const sale = intent(
      'sale',
      `till-${2 + (k % 8)}`,
      wall,
      { sku: 'late', quantity: 1, unitPrice: eur(100) },
      {
        id: idOf(0x10000000 + k),
        counter: k,
      },
    );
    let started = performance.now();
    const result = await reconciler.apply([sale]);
    lateTimes.push((performance.now() - started) * 1000);
    verdicts += result.added.length + result.retracted.length;
    const next = intent(
      'sale',
      'till-1',
      T0 + (size + k + 1) * 10,
      { sku: 'late', quantity: 1, unitPrice: eur(100) },
      {
        id: idOf(0x20000000 + k),
      },
    );
    started = performance.now();
    await reconciler.apply([next]);
    inOrderTimes.push((performance.now() - started) * 1000);
  }
  return { lateUs: median(lateTimes), inOrderUs: median(inOrderTimes), verdicts };
}
