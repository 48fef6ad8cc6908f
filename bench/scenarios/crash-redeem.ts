/**
 * SIGKILL a till that verifies, records and redeems vouchers (`openRedeemer`
 * over a file queue and a file spent store) at random moments, restart it, and
 * check afterwards that every accepted redemption is in the outbox or the
 * ledger exactly once, that no voucher was accepted twice, and that draining
 * into an idempotent ledger applies each redemption once (issue 14, item 2).
 */
import { printRows, QUICK, writeResult } from '../lib/harness.js';
import { runRedeemCrashTest } from '../lib/redeem-crash.js';

export async function run(): Promise<void> {
  const kills = QUICK ? 20 : 200;
  const result = await runRedeemCrashTest({
    kills,
    vouchers: 15_000,
    log: (line) => console.log(`  ${line}`),
  });
  const { failures, ...figures } = result;
  printRows(`crash-redeem: ${result.kills} SIGKILLs, ${result.cleanOpens} clean opens, ${result.seconds} s`, [
    figures,
  ]);
  console.log(`\n- failed opens or till errors: ${failures.length}`);
  for (const line of failures.slice(0, 10)) console.log(`  ${line}`);
  writeResult('crash-redeem', result);
  if (
    result.lost > 0 ||
    result.doubled > 0 ||
    result.unspent > 0 ||
    result.wrongIds > 0 ||
    failures.length > 0 ||
    result.cleanOpens !== result.kills + 1
  ) {
    throw new Error('crash-redeem: an accepted redemption was lost, doubled or left unspent');
  }
}
