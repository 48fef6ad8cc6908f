/**
 * The lunch rush at one till, run as its own OS process so the demo can kill
 * it with SIGKILL mid-write. It enqueues sales into the till's file queue as
 * fast as customers arrive and prints `ack <intent id>` once each enqueue has
 * resolved, i.e. once the sale is durable on disk.
 *
 * argv: <queue dir> <terminal id> <start epoch ms> <sales> <unit price minor units>
 */
import { createManualClock } from '@tallystick/core';
import { createIntentQueue } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';

const [dir, device, start, count, price] = process.argv.slice(2);
const clock = createManualClock(Number(start));
const store = await openFileStore({ dir: dir! });
const queue = createIntentQueue({
  store,
  device: device!,
  clock,
  autoDeliver: false,
  send: async (batch) => batch.map(() => ({ status: 'retry' as const, error: 'offline' })),
});
process.stdout.write('ready\n');
// Four customers at a time: concurrent enqueues share one fsync (group commit).
let next = 0;
async function lane(): Promise<void> {
  while (next < Number(count)) {
    next++;
    clock.advance(1_000);
    const intent = await queue.enqueue({
      type: 'sale',
      payload: { sku: 'cider', quantity: 1, unitPrice: { amount: Number(price), currency: 'EUR' } },
      partitionKey: 'cider',
    });
    process.stdout.write(`ack ${intent.id}\n`);
  }
}
await Promise.all([lane(), lane(), lane(), lane()]);
await queue.close();
await store.close();
process.stdout.write('done\n');
