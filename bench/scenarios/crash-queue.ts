/**
 * SIGKILL a process that enqueues into the file and SQLite queue stores (and
 * delivers from them) at random moments, restart it, and check afterwards
 * that every acknowledged enqueue is present exactly once or already applied,
 * that every reopen succeeded, and that replaying through an idempotent HTTP
 * server applies each intent exactly once.
 */
import { printRows, QUICK, writeResult } from '../lib/harness.js';
import { runCrashTest } from '../lib/queue-crash.js';

export async function run(): Promise<void> {
  const kills = QUICK ? 20 : 200;
  const result = await runCrashTest({ kills, log: (line) => console.log(`  ${line}`) });
  printRows(`crash-queue: ${result.kills} SIGKILLs, ${result.cleanOpens} clean opens, ${result.seconds} s`, [
    { store: 'file', ...result.file },
    { store: 'sqlite', ...result.sqlite },
  ]);
  console.log(`\n- failed opens or child errors: ${result.failedOpens.length}`);
  console.log(
    `- slowest reopen: ${result.slowestOpenMs} ms; HTTP requests to the idempotent sink: ${result.httpRequests}`,
  );
  writeResult('crash-queue', result);
  const bad = [result.file, result.sqlite].some(
    (v) => v.lost > 0 || v.duplicatesInStore > 0 || v.appliedTwice > 0 || v.notAppliedAfterReplay > 0,
  );
  if (bad || result.failedOpens.length > 0 || result.cleanOpens !== result.kills + 1) {
    throw new Error('crash-queue: an acknowledged intent was lost, duplicated or applied twice');
  }
}
