/**
 * The PWA end to end in real Chromium (Debian's /usr/bin/chromium through
 * playwright-core): build it with Vite, serve it from the reconcile server,
 * load it, go offline, check out twice, reload (the service worker serves the
 * page and the menu), go online, and check that the server applied every
 * intent exactly once; then read the receipt QR off a screenshot and verify
 * the token in it. Skips with a printed reason when Chromium is absent; fails
 * instead under TALLYSTICK_REQUIRE_SERVICES=1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CATALOG, type RunningServer, startServer } from '@tallystick/example-reconcile-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@tallystick/testkit';
import { createVerifier, decodeKeySet } from '@tallystick/token';
import jsQR from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const present = chromiumAvailable('the PWA end-to-end test');

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = process.env.PWA_ARTIFACTS_DIR ?? join(here, '.artifacts');

interface Report {
  report: { intents: number; byType: Record<string, number>; byKind: Record<string, unknown> };
  process: {
    accepted: number;
    duplicates: number;
    rejected: Record<string, number>;
    requests: { applied: number; replayed: number };
  };
}

describe.skipIf(!present)('pwa-checkout in real Chromium', () => {
  let outDir = '';
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'pwa-checkout-'));
    await build({
      configFile: join(here, '..', 'vite.config.ts'),
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
    server = await startServer({ storage: { kind: 'memory' }, staticDir: outDir });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const text = (page: Page, selector: string) => page.locator(selector).textContent();
  const buy = async (page: Page, items: Record<string, number>) => {
    for (const [sku, quantity] of Object.entries(items)) {
      for (let i = 0; i < quantity; i++) await page.click(`[data-sku="${sku}"] button`);
    }
    const before = await page.locator('#receipt-no').textContent();
    await page.click('#checkout');
    await page.waitForFunction((previous) => {
      const no = document.getElementById('receipt-no')?.textContent;
      return no && no !== previous && !document.getElementById('receipt')?.hidden;
    }, before);
    return (await text(page, '#receipt-no'))!;
  };
  /** Waits for the app to finish starting, failing with what it says if it cannot. */
  const ready = async (page: Page) => {
    await page.waitForSelector('body[data-ready="true"], #message:not(:empty)', { timeout: 45_000 });
    expect(await text(page, '#message')).toBe('');
    await page.waitForSelector('body[data-ready="true"]');
  };
  const report = async () => (await (await fetch(`${server.url}/report`)).json()) as Report;

  it('sells offline, survives a reload, replays exactly once, and shows a receipt QR that verifies', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The reset is the answer this test drops on purpose; anything else is worth seeing.
      if (message.type() === 'error' && !message.text().includes('ERR_CONNECTION_RESET')) {
        console.warn(`[pwa console] ${message.text()}`);
      }
    });

    mkdirSync(artifacts, { recursive: true });
    // Online first: the service worker installs (precaching the shell and the menu), codes arrive.
    await page.goto(`${server.url}/`);
    await ready(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await text(page, '#codes')).toBe('20 receipt codes');
    const device = JSON.parse((await page.evaluate(() => localStorage.getItem('tallystick.pwa.device')))!);

    // 1. Offline.
    await context.setOffline(true);
    await page.waitForSelector('#network.offline');
    const routesOffline = server.metrics().routes;

    // 2. Two checkouts: 2 + 1 sales, each with its receipt code's redemption.
    const first = await buy(page, { 'flat-white': 2, 'cinnamon-bun': 1 });
    const second = await buy(page, { espresso: 1, lemonade: 3 });
    expect(first).not.toBe(second);
    expect(await text(page, '#pending')).toBe('6 queued');
    expect(await text(page, '#receipt-status')).toContain('syncs when online');

    // 3. Reload, still offline: the service worker serves the page, the scripts and the menu.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await ready(page);
    expect(await page.locator('#products li').count()).toBe(DEFAULT_CATALOG.length);
    expect(await text(page, '#pending')).toBe('6 queued');
    expect(await text(page, '#receipt-no')).toBe(second);
    expect(await text(page, '#network')).toBe('Offline');
    // Nothing reached the server while offline: not the page, not the menu, not the sales.
    expect(server.metrics().routes).toEqual(routesOffline);
    expect(server.metrics().received).toBe(0);

    // 4. Online: the queue flushes on the online event. The first answer is lost
    // on its way back (the server applied the batch; the page sees a reset), so
    // the queue sends again what the server already has.
    let lost = 0;
    await context.route('**/intents', async (route) => {
      if (lost++ > 0) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    writeFileSync(join(artifacts, 'pwa-checkout-offline.png'), await page.screenshot({ fullPage: true }));
    await context.setOffline(false);
    // Retries are jittered per intent, so the two receipts may sync in separate rounds.
    await page.waitForSelector('#receipt-status.synced', { timeout: 30_000 });
    await page.waitForFunction(
      () => document.getElementById('pending')?.textContent === '0 queued',
      undefined,
      {
        timeout: 30_000,
      },
    );
    expect(lost).toBeGreaterThan(1);

    // 5. Each intent applied exactly once, the receipt codes verified, no conflict.
    const { report: ledger, process } = await report();
    // The resend was suppressed: answered from the idempotency store, or counted as duplicates by the ledger.
    expect(process.requests.replayed + process.duplicates).toBeGreaterThan(0);
    expect(ledger.byType).toEqual({ restock: DEFAULT_CATALOG.length, sale: 4, 'token.redeemed': 2 });
    expect(ledger.intents).toBe(DEFAULT_CATALOG.length + 6);
    expect(ledger.byKind).toEqual({});
    expect(process.accepted).toBe(6);
    expect(process.rejected).toEqual({});
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('tallystick_redemptions_verified_total{result="ok"} 2');

    // 6. The receipt QR, read off a screenshot, is a token that verifies for this device.
    writeFileSync(join(artifacts, 'pwa-checkout.png'), await page.screenshot({ fullPage: true }));
    const shot = PNG.sync.read(await page.locator('#receipt-qr').screenshot());
    const qr = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(qr?.data).toMatch(/^TS1:/);
    const published = decodeKeySet(await (await fetch(`${server.url}/keys`)).text());
    if (!published.ok) throw new Error(`GET /keys is not a key set: ${published.message}`);
    const keys = published.keys;
    const verified = createVerifier({ keys, audience: device }).verify(qr!.data);
    expect(verified.ok && verified.token.id).toBe(second);
    // And not for another device: the code is bound to this one.
    expect(createVerifier({ keys, audience: 'pwa-other' }).verify(qr!.data)).toMatchObject({
      ok: false,
      code: 'wrong_audience',
    });

    expect(errors).toEqual([]);
    await context.close();
  });
});
