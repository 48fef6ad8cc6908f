/**
 * The process the spent-store crash test kills. It opens the file spent store,
 * tries again every previously acknowledged id the parent passed (each must
 * lose), then redeems fresh ids as fast as it can, mixing in repeats and
 * expired ids, with a prune now and then so kills also land in its rewrite.
 * Each id whose redemption resolved `true` is reported on stdout (`a <id>`)
 * the moment it resolves; pipe writes are synchronous on Linux, so a reported
 * acknowledgement reaches the parent even if the kill lands right after.
 */
import { readFileSync } from 'node:fs';
import { encodeHex } from '@tallystick/core';
import { openFileSpentStore } from '@tallystick/token/spent-file';

const [path, previousFile] = process.argv.slice(2) as [string, string];
const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const store = await openFileSpentStore({ path });
  say(`ready ${Math.round(performance.now() - started)}`);
  const now = Date.now();
  const far = now + 3_600_000;
  const previous = readFileSync(previousFile, 'utf8').split('\n').filter(Boolean);
  const mine: string[] = [];
  const redeem = (x: string, keepUntil: number) =>
    store.checkAndAdd(x, keepUntil, now).then((won) => {
      if (won && keepUntil === far) {
        say(`a ${x}`);
        mine.push(x);
      }
    });
  await Promise.all(previous.map((x) => redeem(x, far)));
  for (let round = 0; ; round++) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 16; i++) batch.push(redeem(id(), far));
    // Expired on arrival: prune forgets them, so dead records pile up and force rewrites.
    for (let i = 0; i < 24; i++) batch.push(redeem(id(), now - 1));
    for (let i = 0; i < 2 && mine.length > 0; i++)
      batch.push(redeem(mine[(round * 7 + i) % mine.length]!, far));
    if (round % 20 === 19) batch.push(store.prune(now).then(() => undefined));
    await Promise.all(batch);
  }
}

main().catch((error: unknown) => {
  say(`fatal ${String(error)}`);
  process.exit(1);
});
