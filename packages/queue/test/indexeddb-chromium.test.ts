/**
 * The IndexedDB adapter in real Chromium (Debian's /usr/bin/chromium through
 * playwright-core): durability 'strict' reaching the browser, persistence
 * across a reload, Web Locks keeping one replayer across tabs.
 * Skips with a printed reason when Chromium is absent; fails instead under
 * TALLYSTICK_REQUIRE_SERVICES=1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@tallystick/testkit';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const present = chromiumAvailable('real-Chromium IndexedDB tests');

type Api = {
  storeScenario(): Promise<unknown>;
  hasWebLocks(): boolean;
  enqueue(n: number): Promise<string[]>;
  list(): Promise<[string, string][]>;
  flush(): Promise<{ acked: number; locked: boolean }>;
  durabilities(): string[];
  holdLock(): Promise<boolean>;
  releaseLock(): Promise<void>;
  usage(): Promise<number>;
  fillUntilFull(bytes: number, max: number): Promise<{ ids: string[]; code?: string; message?: string }>;
  quotaIds(): Promise<string[]>;
  drain(): Promise<{ acked: number; retried: number; dead: number; lastError?: string }>;
  enqueueAfterFree(bytes: number): Promise<string>;
};

describe.skipIf(!present)('IndexedDB store in real Chromium', () => {
  let server: Server;
  let browser: Browser;
  let url = '';

  beforeAll(async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const bundle = await build({
      entryPoints: [join(here, 'browser', 'idb-page.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      conditions: ['@tallystick/source'],
      logLevel: 'error',
    });
    const script = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      if (req.url === '/bundle.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>loading</title><script src="/bundle.js"></script>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const call = <K extends keyof Api>(page: Page, name: K, ...args: Parameters<Api[K]>) =>
    page.evaluate(
      ([n, a]) =>
        (globalThis as unknown as { queueTest: Record<string, (...x: unknown[]) => unknown> }).queueTest[n]!(
          ...a,
        ),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<Api[K]>>>;

  const open = async (page: Page) => {
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
  };

  it('keeps enqueued intents across a reload, with strict durability, and one replayer across tabs', async () => {
    const context = await browser.newContext();
    const tab1 = await context.newPage();
    await open(tab1);
    expect(await call(tab1, 'hasWebLocks')).toBe(true);
    const ids = await call(tab1, 'enqueue', 30);
    expect(await call(tab1, 'durabilities')).toEqual(['strict']);

    await open(tab1);
    const listed = await call(tab1, 'list');
    expect(listed.map(([id]) => id)).toEqual(ids);
    expect(listed.every(([, status]) => status === 'pending')).toBe(true);

    const tab2 = await context.newPage();
    await open(tab2);
    expect(await call(tab1, 'holdLock')).toBe(true);
    expect(await call(tab2, 'flush')).toMatchObject({ locked: true, acked: 0 });
    await call(tab1, 'releaseLock');
    expect(await call(tab2, 'flush')).toMatchObject({ locked: false, acked: 30 });
    expect(await call(tab1, 'list')).toEqual([]);
    expect(await call(tab2, 'durabilities')).toEqual(['strict']);
    await context.close();
  });

  it('follows the store contract for claims, partitions, dead letters and reopen', async () => {
    const page = await browser.newPage();
    await open(page);
    expect(await call(page, 'storeScenario')).toEqual({
      firstClaim: [0, 1, 2, 3, 4],
      blocked: 0,
      due: 500,
      requeued: 1,
      laterClaim: [
        [0, 2],
        [1, 1],
        [4, 1],
        [2, 1],
      ],
      counts: { pending: 0, inflight: 4, dead: 0 },
      highWaterIsMax: true,
    });
    await page.close();
  });

  it('fails with QUEUE_STORAGE_FULL at the browser quota, keeps what was stored, and works again once delivery frees space', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    await call(page, 'quotaIds'); // creates the database, so its own size is inside the usage below
    const cdp = await context.newCDPSession(page);
    const origin = new URL(url).origin;
    const room = 256 * 1024;
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin,
      quotaSize: (await call(page, 'usage')) + room,
    });
    try {
      const filled = await call(page, 'fillUntilFull', 16 * 1024, 200);
      expect(filled.code).toBe('QUEUE_STORAGE_FULL');
      // Roughly room / 16 KiB intents fit: the quota really was what stopped it, not a stray error.
      expect(filled.ids.length).toBeGreaterThan(2);
      expect(filled.ids.length).toBeLessThan(room / (16 * 1024) + 2);
      expect(await call(page, 'quotaIds')).toEqual(filled.ids);

      expect(await call(page, 'drain')).toEqual(
        expect.objectContaining({ acked: filled.ids.length, retried: 0, dead: 0, lastError: undefined }),
      );
      expect(await call(page, 'quotaIds')).toEqual([]);
      const after = await call(page, 'enqueueAfterFree', 16 * 1024);
      expect(await call(page, 'quotaIds')).toEqual([after]);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      await context.close();
    }
  });
});
