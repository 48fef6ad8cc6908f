import { describe, expect, it } from 'vitest';
import { runRedeemCrashTest } from '../../../bench/lib/redeem-crash.js';

// The short version of bench/scenarios/crash-redeem.ts (200 kills there).
describe('redeem-and-record crash test: SIGKILL a redeeming till at random moments', () => {
  it('loses no accepted redemption, doubles none, and the ledger applies each once', async () => {
    const result = await runRedeemCrashTest({ kills: 15, vouchers: 3000, minRunMs: 60, maxRunMs: 400 });
    console.log(`[redeem-crash] ${JSON.stringify({ ...result, failures: result.failures.length })}`);
    expect(result.failures).toEqual([]);
    expect(result.cleanOpens).toBe(16);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.doubled).toBe(0);
    expect(result.unspent).toBe(0);
    expect(result.wrongIds).toBe(0);
    expect(result.recorded).toBeGreaterThanOrEqual(result.accepted);
  }, 120_000);
});
