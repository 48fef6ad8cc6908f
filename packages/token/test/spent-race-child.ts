/** Child of core's lock-race harness: opens the spent store at argv[2] on `go`, keeps it open until stdin closes. */
import { createInterface } from 'node:readline';
import { openFileSpentStore } from '../src/spent-file.js';

const input = createInterface(process.stdin)[Symbol.asyncIterator]();
process.stdout.write('ready\n');
await input.next();
try {
  const store = await openFileSpentStore({ path: process.argv[2]! });
  process.stdout.write('won\n');
  await input.next();
  await store.close();
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  process.stdout.write(`lost ${code} ${message}\n`);
}
process.exit(0);
