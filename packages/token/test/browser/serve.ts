/**
 * What the real-Chromium spent-store suites share: spent-page.ts bundled
 * with esbuild and served from one local origin, and a typed call into its
 * `window.spentTest`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

export type Failure = { code?: string; message?: string; cause?: string };
export type Redeemed = { ok: boolean; tokenId?: string; code?: string; message?: string };
/** The page's API (spent-page.ts), as seen from Node. */
export type Api = {
  durabilities(): string[];
  upgrades(): { name: string; oldVersion: number; dataLoss?: string; dataLossMessage?: string }[];
  usage(): Promise<number>;
  redeem(qr: string, kid: string, publicKey: string): Promise<Redeemed>;
  race(ids: string[], keepUntil: number, reverse: boolean): Promise<number[]>;
  fillUntilFull(keepUntil: number, max: number): Promise<{ ids: string[]; refused?: string } & Failure>;
  redeemQuota(qr: string, kid: string, publicKey: string): Promise<Redeemed>;
  count(ids: string[], name?: string): Promise<number>;
  countQuota(ids: string[]): Promise<number>;
  addQuota(id: string, keepUntil: number): Promise<{ added?: boolean } & Failure>;
  pruneQuota(now: number): Promise<number>;
  holdOpen(name: string): Promise<boolean>;
  heldAdd(id: string, keepUntil: number): Promise<{ added?: boolean } & Failure>;
  upgrade(name: string): Promise<string>;
  reopen(name: string): Promise<{ opened?: boolean } & Failure>;
  addForever(keepUntil: number): Promise<never>;
  timeAdds(n: number, concurrency: number): Promise<{ ms: number; latencies: number[] }>;
};

/** Serves the bundled page on 127.0.0.1 at a free port; one origin for the whole suite. */
export async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundle = await build({
    entryPoints: [join(here, 'spent-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['@tallystick/source'],
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>loading</title><script src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Loads the page (or reloads it) and waits until its API is installed. */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'ready');
}

/** Calls `window.spentTest[name](...args)` in the page. */
export function call<K extends keyof Api>(
  page: Page,
  name: K,
  ...args: Parameters<Api[K]>
): Promise<Awaited<ReturnType<Api[K]>>> {
  return page.evaluate(
    ([n, a]) =>
      (globalThis as unknown as { spentTest: Record<string, (...x: unknown[]) => unknown> }).spentTest[n]!(
        ...a,
      ),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Api[K]>>>;
}
