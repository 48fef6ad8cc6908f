import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { decodeHex, encodeHex, isTallystickError } from '@tallystick/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileSpentStore } from '../src/spent-file.js';
import { spentStoreContract } from './spent-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-'));
let n = 0;
const fresh = () => join(dir, `spent-${n++}.log`);
const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const T = Date.now();
const LATER = T + 3_600_000;
/** Header and commit slots; then one group per write: 8-byte head, 24 bytes an id, 4-byte CRC. */
const HEAD = 1536;
const group = (ids: number) => 8 + 24 * ids + 4;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

spentStoreContract('file', { open: () => openFileSpentStore({ path: fresh() }) });

describe('file spent store durability', () => {
  it('survives a restart: ids recorded before close are there after reopening', async () => {
    const path = fresh();
    const store = await openFileSpentStore({ path });
    const ids = Array.from({ length: 50 }, id);
    await Promise.all(ids.map((x) => store.checkAndAdd(x, LATER, T)));
    await store.close();
    const again = await openFileSpentStore({ path });
    expect(again.size).toBe(50);
    for (const x of ids) expect(await again.checkAndAdd(x, LATER, T)).toBe(false);
    await again.close();
  });

  it('survives SIGKILL: every acknowledged id is on disk after the crash', async () => {
    const path = fresh();
    const child = fileURLToPath(new URL('./spent-file-child.ts', import.meta.url));
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tallystick/source', child, path],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    const signal = await new Promise((resolve) => proc.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const acked = out.split('\n').filter((line) => line.length === 32);
    expect(acked.length).toBeGreaterThanOrEqual(300);
    // The lock file is left behind by the dead process and must be taken over.
    const store = await openFileSpentStore({ path });
    for (const x of acked) expect(await store.has(x)).toBe(true);
    await store.close();
  });

  it('cuts a torn tail (a partial or garbled final group) and keeps the rest', async () => {
    const path = fresh();
    const store = await openFileSpentStore({ path });
    const kept = id();
    await store.checkAndAdd(kept, LATER, T);
    await store.close();
    appendFileSync(path, new Uint8Array(13).fill(7));
    const a = await openFileSpentStore({ path });
    expect(await a.has(kept)).toBe(true);
    expect(a.size).toBe(1);
    await a.close();
    expect(statSync(path).size).toBe(HEAD + group(1));
    appendFileSync(path, new Uint8Array(group(1)).fill(9));
    const b = await openFileSpentStore({ path });
    expect(b.size).toBe(1);
    await b.close();
    expect(statSync(path).size).toBe(HEAD + group(1));
  });

  it('refuses a file that is not a spent log, and skipDamaged (removed)', async () => {
    const path = fresh();
    writeFileSync(path, 'hello world, not a log');
    await expect(openFileSpentStore({ path })).rejects.toThrow(/bad header/);
    const options = { path: fresh(), skipDamaged: true };
    await expect(openFileSpentStore(options)).rejects.toThrow(TypeError);
  });

  it('migrates a clean version-1 log, and refuses a damaged one', async () => {
    const ids = [id(), id(), id()];
    const v1 = new Uint8Array(8 + 28 * ids.length + 5);
    v1.set([0x54, 0x53, 0x53, 0x50, 1]);
    ids.forEach((x, i) => {
      const at = 8 + 28 * i;
      v1.set(decodeHex(x), at);
      new DataView(v1.buffer).setBigUint64(at + 16, BigInt(LATER));
      new DataView(v1.buffer).setUint32(at + 24, crc32(v1.subarray(at, at + 24)));
    });
    const path = fresh();
    writeFileSync(path, v1); // with a torn 5-byte tail
    const store = await openFileSpentStore({ path });
    for (const x of ids) expect(await store.checkAndAdd(x, LATER, T)).toBe(false);
    await store.close();
    expect(statSync(path).size).toBe(HEAD + group(3));
    v1[8 + 28 + 3]! ^= 1;
    const damaged = fresh();
    writeFileSync(damaged, v1);
    const error = await openFileSpentStore({ path: damaged }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
  });

  it('prune compacts the file once dead records outnumber live ones', async () => {
    const path = fresh();
    const store = await openFileSpentStore({ path });
    const live = id();
    await store.checkAndAdd(live, LATER, T);
    await Promise.all(Array.from({ length: 3000 }, () => store.checkAndAdd(id(), T - 1, T - 2)));
    const before = statSync(path).size;
    expect(await store.prune(T)).toBe(3000);
    const after = statSync(path).size;
    expect(before).toBe(HEAD + group(1) + group(3000));
    expect(after).toBe(HEAD + group(1));
    // Appends continue on the rewritten file.
    const next = id();
    await store.checkAndAdd(next, LATER, T);
    await store.close();
    const again = await openFileSpentStore({ path });
    expect(await again.has(live)).toBe(true);
    expect(await again.has(next)).toBe(true);
    expect(again.size).toBe(2);
    await again.close();
  });

  it('adds racing a compaction are neither lost nor duplicated', async () => {
    const path = fresh();
    const store = await openFileSpentStore({ path });
    await Promise.all(Array.from({ length: 2000 }, () => store.checkAndAdd(id(), T - 1, T - 2)));
    const racing = Array.from({ length: 200 }, id);
    const [pruned, ...added] = await Promise.all([
      store.prune(T),
      ...racing.map((x) => store.checkAndAdd(x, LATER, T)),
    ]);
    expect(pruned).toBe(2000);
    expect(added.every(Boolean)).toBe(true);
    await store.close();
    const again = await openFileSpentStore({ path });
    expect(again.size).toBe(200);
    for (const x of racing) expect(await again.has(x)).toBe(true);
    await again.close();
    expect(statSync(path).size).toBe(HEAD + group(200));
  });

  it('group commit: concurrent adds share one write, and each resolves only once durable', async () => {
    const path = fresh();
    const store = await openFileSpentStore({ path });
    const ids = Array.from({ length: 500 }, id);
    const results = await Promise.all(ids.map((x) => store.checkAndAdd(x, LATER, T)));
    expect(results.every(Boolean)).toBe(true);
    expect(statSync(path).size).toBe(HEAD + group(500));
    await store.close();
    await expect(store.checkAndAdd(id(), LATER, T)).rejects.toThrow(/closed/);
    expect(readFileSync(path).subarray(0, 5)).toEqual(Buffer.from([0x54, 0x53, 0x53, 0x50, 2]));
  });
});

describe('file spent store: open errors are typed', () => {
  it('a missing directory is ERR_STORE, with nothing left behind', async () => {
    const error = await openFileSpentStore({ path: join(dir, 'no-such-dir', 'spent.log') }).catch(
      (e: unknown) => e,
    );
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
  });
});
