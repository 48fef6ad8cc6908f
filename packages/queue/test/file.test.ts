import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock, isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileStore, openFileStore } from '../src/file.js';
import { createIntentQueue } from '../src/queue.js';
import { describeStoreContract } from './contract.js';
import { limitedFs } from './fs-fakes.js';
import { ackAll, envelope, listAll } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tallystick-file-'));
let n = 0;
const newDir = () => join(root, `q${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir = newDir();
const fs = limitedFs();
describeStoreContract('file', {
  capabilities: { persistent: true, sharedAccess: false, concurrentReplayers: false, renewsLeases: true },
  open: () => openFileStore({ dir, fs }),
  fresh: async () => {
    dir = newDir();
    fs.limit = Number.POSITIVE_INFINITY;
  },
  fill: async (store) => {
    fs.limit = (store as FileStore).logBytes + 64;
  },
  free: async () => {
    fs.limit = Number.POSITIVE_INFINITY;
  },
  // Same-length edits of the bytes on disk: the CRC of the frame no longer matches.
  tamper: async (_store, id, edit) => {
    const path = join(dir, 'queue.log');
    const log = readFileSync(path, 'latin1');
    const start = log.indexOf(`{"id":"${id}"`);
    // Up to the payload's closing brace: id, type, device, hlc, createdAt and the payload come first.
    const end = log.indexOf('}', start);
    const text = log.slice(start, end + 1);
    const altered = edit(text);
    expect(altered.length).toBe(text.length);
    writeFileSync(path, log.slice(0, start) + altered + log.slice(end + 1), 'latin1');
  },
  corruption: 'refuses',
});

const T0 = 1_700_000_000_000;

describe('file store', () => {
  it('group commit: 64 concurrent enqueues share one write+fsync', async () => {
    const counting = limitedFs();
    const store = await openFileStore({ dir: newDir(), fs: counting });
    const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
    const before = counting.datasyncs;
    await Promise.all(Array.from({ length: 64 }, (_, i) => queue.enqueue({ type: 'sale', payload: { i } })));
    expect(counting.datasyncs - before).toBe(1);
    expect(await queue.size()).toBe(64);
    await store.close();
  });

  it('a second open of the same directory is refused while the first holds it', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    const error = await openFileStore({ dir: d }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_LOCKED')).toBe(true);
    await store.close();
    await (await openFileStore({ dir: d })).close();
  });

  it('takes over a lock left by a dead process, but not one held on another host', async () => {
    const d = newDir();
    await (await openFileStore({ dir: d })).close();
    writeFileSync(join(d, 'queue.lock'), JSON.stringify({ pid: 4_000_000, host: hostname(), token: 'dead' }));
    const store = await openFileStore({ dir: d, isProcessAlive: () => false });
    expect(JSON.parse(readFileSync(join(d, 'queue.lock'), 'utf8')).pid).toBe(process.pid);
    await store.close();
    writeFileSync(join(d, 'queue.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', token: 'x' }));
    const error = await openFileStore({ dir: d, isProcessAlive: () => false }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_LOCKED')).toBe(true);
  });

  it.each([
    ['synchronous writes', false],
    ['asynchronous writes only', true],
  ])(
    'a write cut short by ENOSPC is truncated away, so the failed intent never resurfaces (%s)',
    async (_, asyncOnly) => {
      const limited = limitedFs({ asyncOnly });
      const d = newDir();
      const store = await openFileStore({ dir: d, fs: limited });
      const kept = envelope({ kept: true });
      await store.append([kept], T0);
      limited.limit = store.logBytes + 40;
      limited.failTruncates = 1;
      const lost = envelope({ lost: true });
      const error = await store.append([lost], T0).catch((e: unknown) => e);
      expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
      limited.limit = Number.POSITIVE_INFINITY;
      const after = envelope({ after: true });
      await store.append([after], T0);
      await store.close();
      const again = await openFileStore({ dir: d });
      expect((await listAll(again, T0)).map((q) => q.intent)).toEqual([kept, after]);
      await again.close();
    },
  );

  it('an append whose fsync failed is rejected and does not resurface after a restart', async () => {
    const flaky = limitedFs();
    const d = newDir();
    const store = await openFileStore({ dir: d, fs: flaky });
    const kept = envelope({ kept: true });
    await store.append([kept], T0);
    flaky.failDatasyncs = 1;
    const error = await store.append([envelope({ failed: true })], T0).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    await store.close();
    const again = await openFileStore({ dir: d });
    expect((await listAll(again, T0)).map((q) => q.intent)).toEqual([kept]);
    await again.close();
  });

  it('compaction keeps every live intent with its state, shrinks the log, and seqs keep growing', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    const sent = Array.from({ length: 300 }, (_, i) => envelope({ i }, i % 7 === 0 ? 'p' : undefined));
    await store.append(sent, T0);
    const batch = await store.claim({ limit: 250, now: T0, leaseMs: 1000, owner: 't' });
    await store.settle(
      batch.map((q, i) =>
        i % 50 === 1
          ? { kind: 'dead', seq: q.seq, id: q.intent.id, reason: 'permanent', at: T0 }
          : i % 50 === 2
            ? {
                kind: 'reschedule',
                seq: q.seq,
                id: q.intent.id,
                attempts: 1,
                nextAttemptAt: T0 + 5,
                error: 'e',
              }
            : { kind: 'ack', seq: q.seq, id: q.intent.id },
      ),
    );
    const dead = await listAll(store, T0, 'dead');
    await store.requeue([{ seq: dead[0]!.seq, id: dead[0]!.intent.id }], T0 + 1);
    const before = await listAll(store, T0 + 2);
    const size = store.logBytes;
    await store.compact();
    expect(store.logBytes).toBeLessThan(size / 2);
    expect(await listAll(store, T0 + 2)).toEqual(before);
    await store.close();
    const again = await openFileStore({ dir: d });
    expect(await listAll(again, T0 + 2)).toEqual(before);
    const maxSeq = Math.max(...before.map((q) => q.seq));
    await again.append([envelope()], T0);
    const last = (await listAll(again, T0)).at(-1)!;
    expect(last.seq).toBeGreaterThan(maxSeq);
    await again.close();
  });

  it('compacts on its own once dead records outweigh live ones', async () => {
    const store = await openFileStore({ dir: newDir(), compactMinBytes: 10_000 });
    const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        queue.enqueue({ type: 'sale', payload: { i, pad: 'x'.repeat(100) } }),
      ),
    );
    const full = store.logBytes;
    await queue.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(store.logBytes).toBeLessThan(full / 4);
    await store.close();
  });

  it('cuts the preallocated zeros off a log that was not closed (a crash)', async () => {
    const d = newDir();
    const copy = newDir();
    const store = await openFileStore({ dir: d });
    const sent = [envelope(), envelope({}, 'p')];
    await store.append(sent, T0);
    const logical = store.logBytes;
    mkdirSync(copy);
    const bytes = readFileSync(join(d, 'queue.log'));
    expect(bytes.length).toBeGreaterThan(logical);
    writeFileSync(join(copy, 'queue.log'), bytes);
    await store.close();
    const reopened = await openFileStore({ dir: copy });
    expect((await listAll(reopened, T0)).map((q) => q.intent)).toEqual(sent);
    expect(readFileSync(join(copy, 'queue.log')).length).toBe(logical);
    await reopened.close();
  });

  it('refuses to open a log damaged inside acknowledged data', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    for (let i = 0; i < 5; i++) await store.append([envelope({ i })], T0);
    await store.close();
    const path = join(d, 'queue.log');
    const bytes = readFileSync(path);
    bytes[40] = bytes[40]! ^ 0xff;
    writeFileSync(path, bytes);
    const error = await openFileStore({ dir: d }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('torn tail: any cut or garbage after the last complete group is dropped, nothing acknowledged is lost', async () => {
    // I/O per run, so fewer runs than a pure law; each covers a random group count, cut point and garbage.
    const base = newDir();
    const store = await openFileStore({ dir: base });
    const acked: string[] = [];
    for (let i = 0; i < 6; i++) {
      const batch = [envelope({ i }), envelope({ i, j: 1 }, 'p')];
      await store.append(batch, T0);
      acked.push(...batch.map((e) => e.id));
    }
    const ackedSize = store.logBytes;
    await store.append([envelope({ torn: true }), envelope({ torn: 2 })], T0);
    const end = store.logBytes;
    await store.close();
    const full = readFileSync(join(base, 'queue.log')).subarray(0, end);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: full.length - ackedSize - 1 }),
        fc.uint8Array({ maxLength: 64 }),
        async (cut, garbage) => {
          const d = newDir();
          mkdirSync(d);
          writeFileSync(join(d, 'queue.log'), Buffer.concat([full.subarray(0, ackedSize + cut), garbage]));
          const reopened = await openFileStore({ dir: d });
          const present = (await listAll(reopened, T0)).map((q) => q.intent.id);
          await reopened.close();
          expect(present).toEqual(acked);
          expect(readFileSync(join(d, 'queue.log')).length).toBe(ackedSize);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('file store with a manual clock', () => {
  it('restores the HLC high-water mark so stamps never go backwards across restarts', async () => {
    const d = newDir();
    const clock = createManualClock(T0);
    const store = await openFileStore({ dir: d });
    const q1 = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false, clock });
    const first = await q1.enqueue({ type: 'sale', payload: 1 });
    await q1.flush();
    await store.close();
    clock.set(T0 - 3_600_000);
    const again = await openFileStore({ dir: d });
    const q2 = createIntentQueue({ store: again, device: 'till-1', send: ackAll, autoDeliver: false, clock });
    const second = await q2.enqueue({ type: 'sale', payload: 2 });
    expect(second.hlc > first.hlc).toBe(true);
    await again.close();
  });
});
