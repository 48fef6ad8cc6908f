/**
 * The IndexedDB spent store in real Chromium (Debian's /usr/bin/chromium
 * through playwright-core): a redeem survives a reload, two tabs racing on
 * one token give one success, a newer version or cleared site data closes
 * the store cleanly, and a full quota is a typed refusal that loses nothing
 * and clears once space is freed. The browser killed mid-redeem is in
 * spent-indexeddb-crash.test.ts.
 * Skips with a printed reason when Chromium is absent; fails instead under
 * TALLYSTICK_REQUIRE_SERVICES=1.
 */
import { encodeHex } from '@tallystick/core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@tallystick/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuer, generateIssuerKey } from '../src/index.js';
import { call, openPage, servePage } from './browser/serve.js';

const present = chromiumAvailable('real-Chromium IndexedDB spent-store tests');

const newId = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));

describe.skipIf(!present)('IndexedDB spent store in real Chromium', () => {
  let server: Awaited<ReturnType<typeof servePage>>;
  let browser: Browser;
  let url = '';
  const key = generateIssuerKey();
  const issuer = createIssuer(key);
  const kid = key.kid;
  const publicKey = encodeHex(key.publicKey);

  beforeAll(async () => {
    server = await servePage();
    url = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = (page: Page) => openPage(page, url);

  it('a redeemed token is still spent after a reload: the second redeem is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    const { qr, id } = issuer.issue({ audience: 'store-7', ttlMs: 3_600_000 });
    expect(await call(page, 'redeem', qr, kid, publicKey)).toEqual({ ok: true, tokenId: id });
    expect(await call(page, 'durabilities')).toEqual(['strict']);

    await open(page); // a reload: a new page, a new connection, only what is on disk
    expect(await call(page, 'count', [id])).toBe(1);
    expect(await call(page, 'redeem', qr, kid, publicKey)).toMatchObject({
      ok: false,
      code: 'already_spent',
    });
    await context.close();
  });

  it('two tabs racing on the same ids: exactly one success per id', async () => {
    const context = await browser.newContext();
    const [tab1, tab2] = [await context.newPage(), await context.newPage()];
    await Promise.all([open(tab1), open(tab2)]);
    const keepUntil = Date.now() + 3_600_000;
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 100 }, newId);
      const [a, b] = await Promise.all([
        call(tab1, 'race', ids, keepUntil, false),
        call(tab2, 'race', ids, keepUntil, true),
      ]);
      expect(a.map((wins, i) => wins + b[i]!)).toEqual(ids.map(() => 1));
      // Each tab won some: they really ran at once and met, rather than one finishing first.
      expect(a.filter((w) => w === 1).length).toBeGreaterThan(0);
      expect(b.filter((w) => w === 1).length).toBeGreaterThan(0);
      expect(await call(tab2, 'count', ids)).toBe(ids.length);
    }

    // And through the verifier: one token scanned in both tabs at once is accepted once.
    for (let round = 0; round < 5; round++) {
      const { qr } = issuer.issue({ audience: 'store-7', ttlMs: 3_600_000 });
      const results = await Promise.all([
        call(tab1, 'redeem', qr, kid, publicKey),
        call(tab2, 'redeem', qr, kid, publicKey),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => r.code === 'already_spent')).toHaveLength(1);
    }
    await context.close();
  });

  it('a newer version in another tab, or site data cleared: the open store steps aside and later calls reject with ERR_STORE', async () => {
    const context = await browser.newContext();
    const [tab1, tab2] = [await context.newPage(), await context.newPage()];
    await Promise.all([open(tab1), open(tab2)]);
    const far = Date.now() + 3_600_000;
    const kept = newId();
    expect(await call(tab1, 'holdOpen', 'lifecycle')).toBe(true);
    expect(await call(tab1, 'heldAdd', kept, far)).toEqual({ added: true });
    // The upgrade is not blocked: tab 1 closed its connection when asked.
    expect(await call(tab2, 'upgrade', 'lifecycle')).toBe('upgraded');
    const after = await call(tab1, 'heldAdd', newId(), far);
    expect(after).toMatchObject({ code: 'ERR_STORE' });
    expect(after.message).toMatch(/newer version.*reload/);
    // This (older) version refuses the newer database rather than misreading it.
    expect(await call(tab1, 'reopen', 'lifecycle')).toMatchObject({
      code: 'ERR_STORE',
      cause: 'VersionError',
    });

    // The browser closing the connection (site data cleared) is reported too, never a silent success.
    expect(await call(tab1, 'holdOpen', 'cleared')).toBe(true);
    expect(await call(tab1, 'heldAdd', newId(), far)).toEqual({ added: true });
    const cdp = await context.newCDPSession(tab1);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'indexeddb' });
    const cleared = await call(tab1, 'heldAdd', newId(), far);
    expect(cleared).toMatchObject({ code: 'ERR_STORE' });
    expect(cleared.message).toMatch(/browser closed/);
    // IndexedDB wiped while localStorage kept this store's mark (what Chromium's corruption recovery
    // leaves): reopening is refused rather than starting empty, until the app accepts the loss.
    const reopened = await call(tab1, 'reopen', 'cleared');
    expect(reopened).toMatchObject({ code: 'ERR_STORE' });
    expect(reopened.message).toMatch(/lost its records.*acceptDataLoss/);
    await context.close();
  });

  it('at the quota: ERR_STORE_FULL, verifier store_unavailable, nothing lost, has works; prune frees room and redeems work again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    // The quota is set before the first write. Chromium grants room from a cache of the space it
    // last saw; in our runs (Chromium 156), after writes made before the override it went on
    // accepting writes 17 MB past a 256 KiB quota, so the test would show nothing.
    const cdp = await context.newCDPSession(page);
    const origin = new URL(url).origin;
    const room = 256 * 1024;
    const live = Array.from({ length: 20 }, newId);
    await call(page, 'countQuota', live); // creates the database, so its own size is inside the usage below
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin,
      quotaSize: (await call(page, 'usage')) + room,
    });
    const far = Date.now() + 3_600_000;
    for (const id of live) expect(await call(page, 'addQuota', id, far)).toEqual({ added: true });
    try {
      // Redeems whose entries have expired (keepUntil in the past) fill the quota.
      const expiredAt = Date.now() - 1000;
      const filled = await call(page, 'fillUntilFull', expiredAt, 20_000);
      console.log(
        `[spent-indexeddb] quota: ${room} B of room took ${filled.ids.length} ids, then ${filled.code}`,
      );
      expect(filled).toMatchObject({ code: 'ERR_STORE_FULL', cause: 'QuotaExceededError' });
      expect(filled.ids.length).toBeGreaterThan(10);

      // Nothing stored is lost, the refused id is not recorded, and lookups still answer.
      expect(await call(page, 'countQuota', live)).toBe(live.length);
      expect(await call(page, 'countQuota', filled.ids)).toBe(filled.ids.length);
      expect(await call(page, 'countQuota', [filled.refused!])).toBe(0);
      // A token already spent is still refused as spent, not as a storage error.
      expect(await call(page, 'addQuota', live[0]!, far)).toEqual({ added: false });
      // A new token: the verifier says the store is unavailable, and does not accept it.
      const { qr, id } = issuer.issue({ audience: 'store-7', ttlMs: 3_600_000 });
      expect(await call(page, 'redeemQuota', qr, kid, publicKey)).toMatchObject({
        ok: false,
        code: 'store_unavailable',
      });
      expect(await call(page, 'countQuota', [id])).toBe(0);

      // Pruning the expired entries frees the room; the same token now redeems.
      expect(await call(page, 'pruneQuota', Date.now())).toBe(filled.ids.length);
      expect(await call(page, 'redeemQuota', qr, kid, publicKey)).toEqual({ ok: true, tokenId: id });
      expect(await call(page, 'addQuota', filled.refused!, far)).toEqual({ added: true });
      expect(await call(page, 'countQuota', live)).toBe(live.length);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      await context.close();
    }
  });
});
