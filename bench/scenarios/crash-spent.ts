/**
 * SIGKILL a process redeeming into the file spent store at random moments
 * (also during prune rewrites), restart it, and check that no acknowledged
 * redemption is lost and none is acknowledged twice across restarts.
 */
import { printRows, QUICK, writeResult } from '../lib/harness.js';
import { runSpentCrashTest } from '../lib/spent-crash.js';

export async function run(): Promise<void> {
  const kills = QUICK ? 20 : 200;
  const result = await runSpentCrashTest({ kills, log: (line) => console.log(`  ${line}`) });
  printRows(`crash-spent: ${result.kills} SIGKILLs, ${result.cleanOpens} clean opens, ${result.seconds} s`, [
    { store: 'spent-file', acked: result.acked, lost: result.lost, doubled: result.doubled },
  ]);
  console.log(`\n- failed opens or child errors: ${result.failures.length}`);
  console.log(`- slowest reopen: ${result.slowestOpenMs} ms`);
  writeResult('crash-spent', result);
  if (
    result.lost > 0 ||
    result.doubled > 0 ||
    result.failures.length > 0 ||
    result.cleanOpens !== result.kills + 1
  ) {
    throw new Error(
      `crash-spent: ${result.lost} lost, ${result.doubled} doubled, failures: ${result.failures.join('; ')}`,
    );
  }
}
