/**
 * Durability of the IndexedDB spent store when the browser dies: Chromium,
 * on a profile directory of its own, records ids in a loop and is SIGKILLed
 * (its whole process group) mid-stream; relaunched on the same profile, it
 * must still hold every id whose checkAndAdd had resolved. Skips with a
 * printed reason when Chromium is absent; fails instead under
 * TALLYSTICK_REQUIRE_SERVICES=1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumAvailable } from '@tallystick/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAfterRelaunch, killMidRedeem } from './browser/chromium-process.js';
import { servePage } from './browser/serve.js';

const present = chromiumAvailable('real-Chromium IndexedDB spent-store crash test');

describe.skipIf(!present)('IndexedDB spent store: Chromium SIGKILLed mid-redeem', () => {
  let server: Awaited<ReturnType<typeof servePage>>;
  const profile = mkdtempSync(join(tmpdir(), 'tallystick-chromium-'));

  beforeAll(async () => {
    server = await servePage();
  });

  afterAll(async () => {
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('every id whose checkAndAdd resolved is there after the browser is killed and relaunched', async () => {
    const acked = await killMidRedeem(profile, server.url, 300);
    expect(acked.length).toBeGreaterThanOrEqual(300);
    const held = await countAfterRelaunch(profile, server.url, acked);
    console.log(
      `[spent-indexeddb] SIGKILL after ${acked.length} acknowledged ids: ${held} found on relaunch`,
    );
    expect(held).toBe(acked.length);
  });
});
