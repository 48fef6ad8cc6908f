import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../../../bench/lib/queue-crash.js';

// The short version of bench/scenarios/crash-queue.ts (200 kills there).
describe('crash test: SIGKILL a producing, delivering process at random moments', () => {
  it('loses and duplicates nothing acknowledged, reopens cleanly every time, and a replay applies each intent once', async () => {
    const result = await runCrashTest({ kills: 15, minRunMs: 100, maxRunMs: 700 });
    console.log(`[crash] ${JSON.stringify(result)}`);
    expect(result.failedOpens).toEqual([]);
    expect(result.cleanOpens).toBe(16);
    for (const verdict of [result.file, result.sqlite]) {
      expect(verdict.acked).toBeGreaterThan(0);
      expect(verdict.lost).toBe(0);
      expect(verdict.duplicatesInStore).toBe(0);
      expect(verdict.appliedTwice).toBe(0);
      expect(verdict.notAppliedAfterReplay).toBe(0);
      expect(verdict.leftInStoreAfterReplay).toBe(0);
    }
  }, 180_000);
});
