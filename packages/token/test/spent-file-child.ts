/**
 * Child process for the crash test: records ids as fast as it can, prints
 * each id once its checkAndAdd has resolved (acknowledged), then kills itself
 * with SIGKILL while more writes are in flight.
 */
import { encodeHex } from '@tallystick/core';
import { openFileSpentStore } from '../src/spent-file.js';

const path = process.argv[2]!;
const store = await openFileSpentStore({ path });
let acked = 0;
const now = Date.now();
for (;;) {
  const ids = Array.from({ length: 25 }, () => encodeHex(crypto.getRandomValues(new Uint8Array(16))));
  for (const id of ids) {
    void store.checkAndAdd(id, now + 3_600_000, now).then(() => {
      process.stdout.write(`${id}\n`);
      if (++acked >= 300) process.kill(process.pid, 'SIGKILL');
    });
  }
  await new Promise((resolve) => setImmediate(resolve));
}
