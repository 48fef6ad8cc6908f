/**
 * Reconnection: each till flushes its queue to the server, then the same
 * intents are sent once more from a copy of the queue taken before the first
 * flush, as a retry storm or a second tab would. The server must apply each
 * intent once.
 */
import type { ManualClock } from '@tallystick/core';
import { createIntentQueue, type SendFunction } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';
import { createProgress } from './progress.js';
import type { Terminal } from './terminal.js';

export interface ReplayResult {
  firstPass: { sent: number; acked: number };
  secondPass: { sent: number; acked: number };
}

export async function replayAll(
  terminals: Terminal[],
  send: SendFunction,
  clock: ManualClock,
  say: (text: string) => void,
): Promise<ReplayResult> {
  const result: ReplayResult = { firstPass: { sent: 0, acked: 0 }, secondPass: { sent: 0, acked: 0 } };
  let total = 0;
  for (const t of terminals) total += await t.queue.size();
  const progress = createProgress('   replaying', total * 2);
  let done = 0;
  for (const t of terminals) {
    t.goOnline();
    const off = t.queue.on('acked', () => progress.update(++done));
    const flushed = await drain(t.queue, clock);
    off();
    result.firstPass.sent += flushed.sent;
    result.firstPass.acked += flushed.acked;
  }
  for (const t of terminals) {
    const store = await openFileStore({ dir: `${t.dir}-backup` });
    const backup = createIntentQueue({ store, send, device: t.id, clock, autoDeliver: false });
    const off = backup.on('acked', () => progress.update(++done));
    const flushed = await drain(backup, clock);
    off();
    await backup.close();
    await store.close();
    result.secondPass.sent += flushed.sent;
    result.secondPass.acked += flushed.acked;
  }
  progress.finish();
  say(
    `   first pass: ${result.firstPass.acked} of ${result.firstPass.sent} intents acknowledged; second pass (same intents again): ${result.secondPass.acked} of ${result.secondPass.sent} acknowledged`,
  );
  return result;
}

/** Flushes until the queue is empty; waits out a retry delay on the simulated clock if one comes. */
async function drain(queue: ReturnType<typeof createIntentQueue>, clock: ManualClock) {
  const totals = { sent: 0, acked: 0 };
  for (let round = 0; round < 20 && (await queue.size()) > 0; round++) {
    const r = await queue.flush();
    totals.sent += r.sent;
    totals.acked += r.acked;
    if (r.acked === 0) clock.advance(60_000);
  }
  return totals;
}
