import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTallystickError } from '@tallystick/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileStore, type FileSystem, openFileStore } from '../src/file.js';
import { createIntentQueue } from '../src/queue.js';
import { diskFs } from './fs-fakes.js';
import { ackAll, envelope, listAll } from './helpers.js';
import { mountTmpfs, tmpfsReason } from './tmpfs.js';

const T0 = 1_700_000_000_000;
const MiB = 2 ** 20;
const root = mkdtempSync(join(tmpdir(), 'tallystick-filefull-'));
let n = 0;
const newDir = () => join(root, `q${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The whole full-disk story on one store: fill to QUEUE_STORAGE_FULL, deliver
 * everything while full, enqueue again without a reopen, leave the disk small
 * once the backlog is empty, and lose nothing acknowledged across a reopen.
 * `diskBytes` reports what the store holds on the disk.
 */
async function fullDiskStory(dir: string, capacity: number, diskBytes: () => number, fs?: FileSystem) {
  const store = await openFileStore(fs ? { dir, fs } : { dir });
  const errors: unknown[] = [];
  const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
  queue.on('error', (e) => errors.push(e));
  let stored = 0;
  let full: unknown;
  while (stored < 100_000) {
    try {
      await queue.enqueue({ type: 'sale', payload: { i: stored, amount: 1250, note: 'x'.repeat(180) } });
      stored++;
    } catch (error) {
      full = error;
      break;
    }
  }
  expect(isTallystickError(full, 'QUEUE_STORAGE_FULL')).toBe(true);
  // The disk itself ran out, not a reservation: most of it holds intents.
  expect(store.logBytes).toBeGreaterThan(capacity * 0.7);
  expect(await queue.size()).toBe(stored);
  // Still full: an append fails again and stores nothing.
  expect(
    isTallystickError(
      await store.append([envelope({ big: 'y'.repeat(2000) })], T0).catch((e: unknown) => e),
      'QUEUE_STORAGE_FULL',
    ),
  ).toBe(true);
  // Delivery works while full, and delivering frees space.
  const flushed = await queue.flush();
  expect(errors).toEqual([]);
  expect(flushed.acked).toBe(stored);
  expect(await queue.size()).toBe(0);
  expect(diskBytes()).toBeLessThan(capacity / 4);
  const after = await queue.enqueue({ type: 'sale', payload: { after: true, amount: 990 } });
  await queue.close();
  await store.close();
  const again = await openFileStore(fs ? { dir, fs } : { dir });
  expect((await listAll(again, T0)).map((q) => q.intent)).toEqual([after]);
  await again.close();
  return stored;
}

describe.skipIf(tmpfsReason !== undefined)('file store on a real 2 MiB tmpfs', () => {
  it('takes its first intent on a nearly empty tiny disk', async () => {
    const disk = mountTmpfs(2 * MiB);
    try {
      const store = await openFileStore({ dir: join(disk.dir, 'q') });
      await store.append([envelope({ amount: 1 })], T0);
      expect(await store.count(T0)).toEqual({ pending: 1, inflight: 0, dead: 0 });
      await store.close();
    } finally {
      disk.unmount();
    }
  });

  it('fills to QUEUE_STORAGE_FULL, delivers while full, enqueues again, shrinks, and loses nothing', async () => {
    const disk = mountTmpfs(2 * MiB);
    try {
      const dir = join(disk.dir, 'q');
      const stored = await fullDiskStory(dir, 2 * MiB, () => statSync(join(dir, 'queue.log')).size);
      expect(stored).toBeGreaterThan(3500);
    } finally {
      disk.unmount();
    }
  });
});

describe('file store on a fault-injecting disk', () => {
  it.each([
    ['whole writes', false],
    ['short writes', true],
  ])('fills, delivers while full, enqueues again, shrinks, and loses nothing (%s)', async (_, short) => {
    const dir = newDir();
    const disk = diskFs(1 * MiB);
    disk.shortWrites = short;
    await fullDiskStory(dir, 1 * MiB, () => disk.sizeOf(join(dir, 'queue.log')), disk);
  });

  it('acks one at a time on a full disk: past the reserve, settles compact or report full, and the drain completes', async () => {
    const dir = newDir();
    const disk = diskFs(512 * 1024);
    const store = await openFileStore({ dir, fs: disk });
    const sent: string[] = [];
    for (;;) {
      const e = envelope({ amount: 1250, note: 'x'.repeat(300) });
      const error = await store.append([e], T0).catch((err: unknown) => err);
      if (error !== undefined) {
        expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
        break;
      }
      sent.push(e.id);
    }
    const delivered: string[] = [];
    let fullSettles = 0;
    for (;;) {
      const [q] = await store.claim({ limit: 1, now: T0, leaseMs: 60_000, owner: 't' });
      if (!q) break;
      delivered.push(q.intent.id);
      const error = await store
        .settle([{ kind: 'ack', seq: q.seq, id: q.intent.id }])
        .catch((err: unknown) => err);
      // A settle that could neither append nor compact says so; memory has it, the drain goes on.
      if (error !== undefined) {
        expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
        fullSettles++;
      }
    }
    expect(delivered).toEqual(sent);
    expect(await store.count(T0)).toEqual({ pending: 0, inflight: 0, dead: 0 });
    // Compactions fit as delivery goes on (the last one at the latest once the backlog is empty): what
    // stays is under the 256 KiB floor of dead records, plus the room.
    await new Promise((r) => setTimeout(r, 20));
    expect(disk.sizeOf(join(dir, 'queue.log'))).toBeLessThan(320 * 1024);
    await store.append([envelope({ after: true })], T0);
    await store.close();
    const again = await openFileStore({ dir, fs: disk });
    expect(await again.count(T0)).toEqual({ pending: 1, inflight: 0, dead: 0 });
    await again.close();
    console.log(`[file full] ${sent.length} intents acked one by one; ${fullSettles} settles reported full`);
  });

  it('holds no more than a bounded room ahead of the log, and gives it back on close', async () => {
    const dir = newDir();
    const disk = diskFs(64 * MiB);
    const store: FileStore = await openFileStore({ dir, fs: disk });
    for (let i = 0; i < 20; i++) await store.append([envelope({ i })], T0);
    const log = join(dir, 'queue.log');
    expect(disk.sizeOf(log) - store.logBytes).toBeLessThanOrEqual(1.25 * MiB);
    await store.close();
    expect(disk.sizeOf(log)).toBe(store.logBytes);
  });

  it('reopens on the full disk with every acknowledged intent, and delivers from there', async () => {
    const dir = newDir();
    const disk = diskFs(256 * 1024);
    const store = await openFileStore({ dir, fs: disk });
    const sent: string[] = [];
    for (;;) {
      const e = envelope({ amount: 1250, note: 'x'.repeat(200) });
      if ((await store.append([e], T0).catch((err: unknown) => err)) !== undefined) break;
      sent.push(e.id);
    }
    await store.close();
    const again = await openFileStore({ dir, fs: disk });
    expect((await listAll(again, T0)).map((q) => q.intent.id)).toEqual(sent);
    // A compaction asked for now cannot fit (it rewrites every live intent): it says so, and changes nothing.
    const compacting = await again.compact().catch((err: unknown) => err);
    expect(isTallystickError(compacting, 'QUEUE_STORAGE_FULL')).toBe(true);
    expect(disk.sizeOf(join(dir, 'queue.log.compact'))).toBe(0);
    const queue = createIntentQueue({ store: again, device: 'till-1', send: ackAll, autoDeliver: false });
    expect((await queue.flush()).acked).toBe(sent.length);
    await queue.enqueue({ type: 'sale', payload: { after: true } });
    await queue.close();
    await again.close();
  });

  it('refuses a compactMinBytes that is negative or not a number', async () => {
    for (const bad of [-1, Number.NaN, '1' as unknown as number]) {
      await expect(openFileStore({ dir: newDir(), compactMinBytes: bad })).rejects.toThrow(RangeError);
    }
  });

  it('compacts by the ratio of dead to live bytes, not after a fixed 64 MiB', async () => {
    const store = await openFileStore({ dir: newDir() });
    const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
    for (let i = 0; i < 4; i++) {
      await Promise.all(
        Array.from({ length: 250 }, (_, j) =>
          queue.enqueue({ type: 'sale', payload: { i, j, pad: 'x'.repeat(300) } }),
        ),
      );
      await queue.flush();
    }
    await new Promise((r) => setTimeout(r, 20));
    // 1000 intents of ~450 bytes went through; an empty backlog keeps only a bounded tail of dead records.
    expect(store.logBytes).toBeLessThan(300 * 1024);
    await queue.close();
    await store.close();
  });
});
