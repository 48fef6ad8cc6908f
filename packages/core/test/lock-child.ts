/** Child of lock-race.ts: takes the lock at argv[2] on `go`, holds it until stdin closes. */
import { createInterface } from 'node:readline';
import { acquireLockFile } from '../src/node/index.js';

const input = createInterface(process.stdin)[Symbol.asyncIterator]();
process.stdout.write('ready\n');
await input.next();
try {
  const lock = await acquireLockFile(process.argv[2]!);
  process.stdout.write('won\n');
  await input.next();
  await lock.release();
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  process.stdout.write(`lost ${code} ${message}\n`);
}
process.exit(0);
