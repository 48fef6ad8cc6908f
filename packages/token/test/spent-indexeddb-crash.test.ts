/**
 * Durability of the IndexedDB spent store when the browser dies: Chromium,
 * on a profile directory of its own, records ids in a loop and is SIGKILLed
 * (its whole process group) mid-stream; relaunched on the same profile, it
 * must still hold every id whose checkAndAdd had resolved. Skips with a
 * printed reason when Chromium is absent; fails instead under
 * TALLYSTICK_REQUIRE_SERVICES=1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@tallystick/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openPage, servePage } from './browser/serve.js';

const present = chromiumAvailable('real-Chromium IndexedDB spent-store crash test');

/**
 * Starts Chromium as our own child (so it can be SIGKILLed, which playwright's
 * launch does not offer) on `profile`, and connects to it over CDP.
 */
async function launch(profile: string): Promise<{ proc: ChildProcess; browser: Browser }> {
  const proc = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${err}`)), 30_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', () => reject(new Error(`Chromium exited at start:\n${err}`)));
  });
  return { proc, browser: await chromium.connectOverCDP(endpoint) };
}

/** SIGKILLs Chromium and every process it started, as a power cut to the app would. */
async function kill(proc: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  process.kill(-proc.pid!, 'SIGKILL');
  await exited;
}

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
    const acked: string[] = [];
    const first = await launch(profile);
    try {
      const context = first.browser.contexts()[0]!;
      const page = await context.newPage();
      await page.exposeFunction('reportAck', (id: string) => {
        acked.push(id);
      });
      await openPage(page, server.url);
      // Runs until the kill; its rejection then is expected.
      call(page, 'addForever', Date.now() + 3_600_000).catch(() => undefined);
      const deadline = Date.now() + 30_000;
      while (acked.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await kill(first.proc);
    }
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const second = await launch(profile);
    try {
      const page = await second.browser.contexts()[0]!.newPage();
      await openPage(page, server.url);
      const held = await call(page, 'count', acked, 'crash');
      console.log(
        `[spent-indexeddb] SIGKILL after ${acked.length} acknowledged ids: ${held} found on relaunch`,
      );
      expect(held).toBe(acked.length);
    } finally {
      await second.browser.close().catch(() => undefined);
      await kill(second.proc).catch(() => undefined);
    }
  });
});
