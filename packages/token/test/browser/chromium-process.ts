/**
 * Chromium as our own child process, for tests and benchmarks that SIGKILL
 * it (playwright's launch offers no kill): started on a profile directory of
 * its own and driven over CDP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@tallystick/testkit';
import { type Browser, chromium } from 'playwright-core';
import { call, openPage } from './serve.js';

/**
 * Starts Chromium as our own child (so it can be SIGKILLed, which playwright's
 * launch does not offer) on `profile`, and connects to it over CDP.
 */
export async function launch(profile: string): Promise<{ proc: ChildProcess; browser: Browser }> {
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
export async function kill(proc: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  process.kill(-proc.pid!, 'SIGKILL');
  await exited;
}

/**
 * Launches Chromium on `profile`, records fresh ids in a loop on the page at
 * `url` until at least `target` have been acknowledged, then SIGKILLs it.
 * Resolves with the acknowledged ids (each reported only after its
 * checkAndAdd resolved).
 */
export async function killMidRedeem(profile: string, url: string, target: number): Promise<string[]> {
  const acked: string[] = [];
  const { proc, browser } = await launch(profile);
  try {
    const page = await browser.contexts()[0]!.newPage();
    await page.exposeFunction('reportAck', (id: string) => {
      acked.push(id);
    });
    await openPage(page, url);
    // Runs until the kill; its rejection then is expected.
    call(page, 'addForever', Date.now() + 3_600_000).catch(() => undefined);
    const deadline = Date.now() + 60_000;
    while (acked.length < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  } finally {
    await kill(proc);
  }
  return acked;
}

/** Relaunches Chromium on `profile` and counts how many of `ids` the page's crash store holds. */
export async function countAfterRelaunch(profile: string, url: string, ids: string[]): Promise<number> {
  const { proc, browser } = await launch(profile);
  try {
    const page = await browser.contexts()[0]!.newPage();
    await openPage(page, url);
    const held = await call(page, 'count', ids, 'crash');
    if (held < ids.length)
      console.log('  upgradeneeded on relaunch:', JSON.stringify(await call(page, 'upgrades')));
    return held;
  } finally {
    await browser.close().catch(() => undefined);
    await kill(proc).catch(() => undefined);
  }
}
