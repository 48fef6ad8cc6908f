import { describe, expect, it } from 'vitest';
import { runSpentCrashTest } from '../../../bench/lib/spent-crash.js';

// The short version of bench/scenarios/crash-spent.ts (200 kills there).
describe('crash test: SIGKILL a redeeming process at random moments', () => {
  it('loses nothing acknowledged, acknowledges nothing twice, and reopens cleanly every time', async () => {
    const result = await runSpentCrashTest({ kills: 15, minRunMs: 30, maxRunMs: 300 });
    console.log(`[crash-spent] ${JSON.stringify({ ...result, failures: result.failures.length })}`);
    expect(result.failures).toEqual([]);
    expect(result.cleanOpens).toBe(16);
    expect(result.acked).toBeGreaterThan(100);
    expect(result.lost).toBe(0);
    expect(result.doubled).toBe(0);
  }, 120_000);
});
