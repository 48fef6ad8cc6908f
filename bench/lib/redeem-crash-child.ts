/**
 * The till the redeem crash test kills: a file queue (delivering to the
 * parent's idempotent HTTP ledger), a file spent store and `openRedeemer`. It
 * opens (recovery runs), reports the redemptions recovery found in doubt, then
 * redeems vouchers from the parent's list in random order, many of them again
 * (a customer presenting a voucher twice), with a few calls in flight at once.
 * Each accepted redemption is printed the moment its call resolves ok; pipe
 * writes are synchronous on Linux, so an acceptance reaches the parent even if
 * the kill lands right after.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHex } from '@tallystick/core';
import { createIntentQueue, createManualOnlineSignal } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';
import { createHttpSender } from '@tallystick/queue/http';
import { createVerifier, openRedeemer } from '@tallystick/token';
import { openFileSpentStore } from '@tallystick/token/spent-file';

const [dir, url] = process.argv.slice(2) as [string, string];
const CASHIERS = 3;

interface Setup {
  key: { kid: string; publicKey: string };
  vouchers: string[];
}

async function main(): Promise<void> {
  const started = performance.now();
  const setup = JSON.parse(readFileSync(join(dir, 'setup.json'), 'utf8')) as Setup;
  const store = await openFileStore({ dir: join(dir, 'queue'), compactMinBytes: 64 * 1024 });
  const spent = await openFileSpentStore({ path: join(dir, 'spent.log') });
  const verifier = createVerifier({
    keys: [{ kid: setup.key.kid, publicKey: decodeHex(setup.key.publicKey) }],
    spent,
  });
  // Offline until recovery is done: an intent delivered before it would never be marked spent here.
  const online = createManualOnlineSignal(false);
  const outbox = createIntentQueue({
    store,
    device: 'till-1',
    online,
    leaseMs: 2_000,
    retry: { baseMs: 50, maxMs: 500 },
    send: createHttpSender({ url, timeoutMs: 5_000, concurrency: 8 }),
  });
  const redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
  for (const r of redeemer.inDoubt) process.stdout.write(`doubt ${r.tokenId}\n`);
  // What the outbox holds after recovery, for the parent's check at every restart.
  for (let after: number | undefined; ; ) {
    const page = await outbox.list(after === undefined ? { limit: 1000 } : { limit: 1000, afterSeq: after });
    for (const q of page) process.stdout.write(`held ${(q.intent.payload as { tokenId: string }).tokenId}\n`);
    if (page.length < 1000) break;
    after = page[page.length - 1]!.seq;
  }
  process.stdout.write(`ready ${Math.round(performance.now() - started)}\n`);
  online.set(true);
  for (let c = 0; c < CASHIERS; c++) {
    void (async () => {
      for (;;) {
        const pick = crypto.getRandomValues(new Uint32Array(1))[0]! % setup.vouchers.length;
        const result = await redeemer.redeem(setup.vouchers[pick]!);
        if (result.ok) process.stdout.write(`ok ${result.redemption.tokenId} ${result.intentId}\n`);
        else if (result.code !== 'already_spent')
          process.stdout.write(`refused ${result.code} ${result.message}\n`);
      }
    })().catch((error: unknown) => {
      process.stdout.write(`fatal ${(error as Error).message}\n`);
      process.exit(1);
    });
  }
}

main().catch((error: unknown) => {
  process.stdout.write(`fatal open ${(error as Error).stack}\n`);
  process.exit(1);
});
