/**
 * The process the crash test kills. It opens a file store and a SQLite store,
 * then enqueues into both as fast as it can while delivering to the parent's
 * idempotent HTTP server. Each resolved enqueue is reported on stdout
 * (`f <id>` or `s <id>`) the moment it resolves; stdout is a pipe, and pipe
 * writes are synchronous on Linux, so a reported ack reaches the parent even
 * if the kill lands right after.
 */
import { join } from 'node:path';
import { createIntentQueue } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';
import { createHttpSender } from '@tallystick/queue/http';
import { openSqliteStore } from '@tallystick/queue/sqlite';

const [dir, url] = process.argv.slice(2) as [string, string];
const PRODUCERS = 32;

async function main(): Promise<void> {
  const started = performance.now();
  // Small compaction threshold: kills must also land during compaction.
  const file = await openFileStore({ dir: join(dir, 'file'), compactMinBytes: 256 * 1024 });
  const sqlite = await openSqliteStore({ path: join(dir, 'queue.db') });
  const counts = [await file.count(0), await sqlite.count(0)];
  process.stdout.write(`ready ${Math.round(performance.now() - started)} ${JSON.stringify(counts)}\n`);
  for (const [tag, store] of [
    ['f', file],
    ['s', sqlite],
  ] as const) {
    const queue = createIntentQueue({
      store,
      device: `crash-${tag}`,
      send: createHttpSender({ url, timeoutMs: 5_000, concurrency: 16 }),
      leaseMs: 2_000,
      retry: { baseMs: 50, maxMs: 500 },
      online: { online: true, subscribe: () => () => {} },
    });
    let n = 0;
    for (let p = 0; p < PRODUCERS; p++) {
      void (async () => {
        for (;;) {
          const i = n++;
          const intent = await queue.enqueue({
            type: 'sale',
            payload: { i, amount: 100 + (i % 900), sku: `sku-${i % 50}` },
            ...(i % 3 === 0 ? { partitionKey: `till-${i % 4}` } : {}),
          });
          process.stdout.write(`${tag} ${intent.id}\n`);
        }
      })().catch((error: unknown) => {
        process.stdout.write(`fatal ${tag} ${(error as Error).message}\n`);
        process.exit(1);
      });
    }
  }
}

main().catch((error: unknown) => {
  process.stdout.write(`fatal open ${(error as Error).message}\n`);
  process.exit(1);
});
