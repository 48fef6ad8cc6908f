/**
 * The file spent store never acknowledges what it cannot keep: a failed or
 * short write (a full disk) or a failed fdatasync fails its whole group and
 * puts the store into a refusing state until it is reopened, and reopening
 * recovers exactly what was acknowledged.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHex, isTallystickError } from '@tallystick/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileSpentStore, openFileSpentStore } from '../src/spent-file.js';
import { faultFs } from './fault-fs.js';
import { setup } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-faults-'));
let n = 0;
const fresh = () => join(dir, `spent-${n++}.log`);
const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const T = Date.now();
const LATER = T + 3_600_000;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Redeems `ids` concurrently (one group); returns which were acknowledged and the errors of the rest. */
async function redeem(store: FileSpentStore, ids: string[]) {
  const settled = await Promise.allSettled(ids.map((x) => store.checkAndAdd(x, LATER, T)));
  return {
    acked: ids.filter((_, i) => settled[i]!.status === 'fulfilled'),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}

describe('file spent store under write faults', () => {
  it('group commit: 200 concurrent redemptions share one fdatasync', async () => {
    const fs = faultFs();
    const store = await openFileSpentStore({ path: fresh(), fs });
    const before = fs.datasyncs;
    const { acked } = await redeem(store, Array.from({ length: 200 }, id));
    expect(acked).toHaveLength(200);
    expect(fs.datasyncs - before).toBe(1);
    await store.close();
  });

  it('a short write on a full disk fails its group and refuses every later redemption until reopened', async () => {
    const path = fresh();
    const fs = faultFs();
    const store = await openFileSpentStore({ path, fs });
    const a = Array.from({ length: 10 }, id);
    expect((await redeem(store, a)).acked).toEqual(a);
    fs.limit = statSync(path).size + 100; // the next group (252 bytes) is cut short after 100
    const bIds = Array.from({ length: 10 }, id);
    const b = await redeem(store, bIds);
    expect(b.acked).toEqual([]);
    expect(b.errors.every((e) => isTallystickError(e, 'ERR_STORE'))).toBe(true);
    fs.limit = Number.POSITIVE_INFINITY; // space freed: still refusing, it never writes after a failure
    const sizeAfterFailure = statSync(path).size;
    const c = await redeem(store, Array.from({ length: 10 }, id));
    expect(c.acked).toEqual([]);
    expect(c.errors.every((e) => isTallystickError(e, 'ERR_STORE') && /reopened/.test(String(e)))).toBe(true);
    await expect(store.prune(T)).rejects.toThrow(/reopened/);
    expect(statSync(path).size).toBe(sizeAfterFailure);
    for (const x of a) expect(await store.has(x)).toBe(true);
    await store.close();

    const again = await openFileSpentStore({ path });
    expect(again.size).toBe(a.length);
    for (const x of a) expect(await again.checkAndAdd(x, LATER, T)).toBe(false);
    // Never acknowledged, so never recorded: they can still be redeemed.
    expect((await redeem(again, bIds)).acked).toEqual(bIds);
    await again.close();
  });

  it('through the verifier, a store that refuses reports store_unavailable, and a reopened one works', async () => {
    const path = fresh();
    const fs = faultFs();
    const { issuer, clock } = setup();
    const spent = await openFileSpentStore({ path, fs });
    const { verifier } = setup({ spent, clock });
    const first = issuer.issue({});
    expect(await verifier.redeem(first.qr)).toMatchObject({ ok: true });
    fs.limit = statSync(path).size + 5;
    const second = issuer.issue({});
    expect(await verifier.redeem(second.qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
    fs.limit = Number.POSITIVE_INFINITY;
    expect(await verifier.redeem(issuer.issue({}).qr)).toMatchObject({
      ok: false,
      code: 'store_unavailable',
    });
    await spent.close();
    const reopened = await openFileSpentStore({ path });
    const after = setup({ spent: reopened, clock }).verifier;
    expect(await after.redeem(first.qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(await after.redeem(second.qr)).toMatchObject({ ok: true });
    await reopened.close();
  });

  it('a failed fdatasync fails its group and refuses later redemptions; reopening keeps everything acknowledged', async () => {
    const path = fresh();
    const fs = faultFs();
    const store = await openFileSpentStore({ path, fs });
    const a = Array.from({ length: 5 }, id);
    await redeem(store, a);
    fs.failDatasyncs = 1;
    expect((await redeem(store, [id(), id()])).acked).toEqual([]);
    expect((await redeem(store, [id()])).acked).toEqual([]);
    await store.close();
    const again = await openFileSpentStore({ path });
    for (const x of a) expect(await again.has(x)).toBe(true);
    await again.close();
  });

  it('a prune rewrite that fails on a full disk refuses later redemptions; reopening keeps everything acknowledged', async () => {
    const path = fresh();
    const fs = faultFs();
    const store = await openFileSpentStore({ path, fs });
    const live = Array.from({ length: 20 }, id);
    await redeem(store, live);
    await Promise.all(Array.from({ length: 1500 }, () => store.checkAndAdd(id(), T - 1, T - 2)));
    fs.limit = 1600; // the rewritten file (header 1536 + 20 ids) does not fit
    await expect(store.prune(T)).rejects.toThrow(/reopened/);
    fs.limit = Number.POSITIVE_INFINITY;
    expect((await redeem(store, [id()])).acked).toEqual([]);
    await store.close();
    const again = await openFileSpentStore({ path });
    for (const x of live) expect(await again.has(x)).toBe(true);
    await again.close();
  });
});

/** Mounts a 64 KiB tmpfs (root only); undefined with the reason printed when it cannot. */
function tinyDisk(): string | undefined {
  const mountPoint = join(dir, 'tiny');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return mountPoint;
  } catch (error) {
    console.log(
      `[spent-file-faults] skipping the real full-disk test: cannot mount a tmpfs (${String(error)})`,
    );
    return undefined;
  }
}

describe('file spent store on a real full disk (64 KiB tmpfs)', () => {
  const disk = process.getuid?.() === 0 ? tinyDisk() : undefined;
  if (disk === undefined && process.getuid?.() !== 0) console.log('[spent-file-faults] skipping: not root');
  afterAll(() => {
    if (disk) execFileSync('umount', ['-l', disk]);
  });

  it.runIf(disk !== undefined)(
    'every acknowledged id is spent after a reopen, and none is accepted again',
    async () => {
      const path = join(disk!, 'spent.log');
      // Leave about 8 KiB free, so the log fills it after a few hundred redemptions.
      writeFileSync(join(disk!, 'filler'), new Uint8Array(52 * 1024));
      const store = await openFileSpentStore({ path });
      const acked: string[] = [];
      let refused = 0;
      for (let round = 0; round < 80; round++) {
        const result = await redeem(store, Array.from({ length: 7 }, id));
        acked.push(...result.acked);
        refused += result.errors.length;
        // Free the space once the disk first fills: writes must stay refused anyway.
        if (result.errors.length > 0) rmSync(join(disk!, 'filler'), { force: true });
      }
      expect(refused).toBeGreaterThan(0);
      await store.close();
      const again = await openFileSpentStore({ path });
      for (const x of acked) expect(await again.checkAndAdd(x, LATER, T)).toBe(false);
      expect(again.size).toBe(acked.length);
      await again.close();
    },
  );
});
