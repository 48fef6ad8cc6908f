/**
 * What the file spent store does with a damaged log: a torn final group is
 * cut (it was never acknowledged); anything else (bytes deleted, inserted or
 * flipped earlier in the log, a log truncated to 0 or below its committed
 * end) refuses to open, because dropping records would let tokens be
 * redeemed twice. And a property over random redemptions, crashes cut at
 * arbitrary bytes of the final write, and reopens.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHex, isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileSpentStore, openFileSpentStore } from '../src/spent-file.js';
import { faultFs } from './fault-fs.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-damage-'));
let n = 0;
const fresh = () => join(dir, `spent-${n++}.log`);
const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const T = Date.now();
const LATER = T + 3_600_000;
const HEAD = 1536;
const GROUP = 8 + 24 * 10 + 4;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A log of five groups of ten ids. `crashed`: the process died after the
 * last group was acknowledged, so the commit slots lag one group behind
 * (a clean close commits everything).
 */
async function fiveGroups(crashed: boolean): Promise<{ path: string; ids: string[] }> {
  const path = fresh();
  const fs = faultFs();
  const store = await openFileSpentStore({ path, fs });
  const ids: string[] = [];
  for (let g = 0; g < 5; g++) {
    const group = Array.from({ length: 10 }, id);
    await Promise.all(group.map((x) => store.checkAndAdd(x, LATER, T)));
    ids.push(...group);
  }
  if (crashed) fs.budget = 0;
  // After a crash nothing more reaches the file, so close's final commit fails.
  await store.close().catch(() => undefined);
  return { path, ids };
}

const refusal = (path: string) =>
  openFileSpentStore({ path }).then(
    (s) => s.close().then(() => 'opened'),
    (e) => e,
  );

function flip(bytes: Buffer, at: number): Buffer {
  bytes[at]! ^= 0x40;
  return bytes;
}

function edit(path: string, change: (bytes: Buffer) => Buffer): void {
  writeFileSync(path, change(readFileSync(path)));
}

describe('file spent store: damage refuses to open', () => {
  describe.each([
    ['closed cleanly', false],
    ['crashed', true],
  ])('a log that was %s', (_, crashed) => {
    const middle = HEAD + 2 * GROUP + 50; // inside the third group's ids
    it.each([
      [
        '5 bytes deleted in the middle',
        (b: Buffer) => Buffer.concat([b.subarray(0, middle), b.subarray(middle + 5)]),
      ],
      [
        '3 bytes inserted in the middle',
        (b: Buffer) => Buffer.concat([b.subarray(0, middle), Buffer.from([1, 2, 3]), b.subarray(middle)]),
      ],
      ['a byte flipped in an earlier group', (b: Buffer) => flip(b, HEAD + GROUP + 30)],
      ['a byte flipped in a group head', (b: Buffer) => flip(b, HEAD + 2 * GROUP + 1)],
      [
        'a whole group removed',
        (b: Buffer) => Buffer.concat([b.subarray(0, HEAD + GROUP), b.subarray(HEAD + 2 * GROUP)]),
      ],
      [
        'a group repeated',
        (b: Buffer) => Buffer.concat([b.subarray(0, HEAD + 2 * GROUP), b.subarray(HEAD + GROUP)]),
      ],
    ])('%s', async (_name, change) => {
      const { path } = await fiveGroups(crashed);
      edit(path, change);
      const error = await refusal(path);
      expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    });

    it('truncated to 0 bytes, to its header, or to a group boundary below the committed end', async () => {
      for (const length of [0, 5, HEAD, HEAD + GROUP, HEAD + 3 * GROUP]) {
        const { path } = await fiveGroups(crashed);
        truncateSync(path, length);
        const error = await refusal(path);
        expect(isTallystickError(error, 'ERR_STORE'), `truncated to ${length}: ${error}`).toBe(true);
      }
    });
  });

  it('one damaged commit slot is survived through the other; both damaged refuses', async () => {
    const { path, ids } = await fiveGroups(false);
    edit(path, (b) => flip(b, 512 + 3));
    const store = await openFileSpentStore({ path });
    for (const x of ids) expect(await store.has(x)).toBe(true);
    await store.close();
    edit(path, (b) => flip(flip(b, 512 + 3), 1024 + 3));
    expect(isTallystickError(await refusal(path), 'ERR_STORE')).toBe(true);
  });

  it('only the final, uncommitted group may be cut: a torn last group after a crash', async () => {
    const { path, ids } = await fiveGroups(false);
    const store = await openFileSpentStore({ path });
    await store.checkAndAdd(id(), LATER, T);
    await store.close();
    truncateSync(path, readFileSync(path).length - 7); // the sixth group, committed by the clean close
    expect(isTallystickError(await refusal(path), 'ERR_STORE')).toBe(true);
    const crashed = await fiveGroups(true);
    truncateSync(crashed.path, HEAD + 5 * GROUP - 7); // the fifth group, past the committed end
    const reopened = await openFileSpentStore({ path: crashed.path });
    expect(reopened.size).toBe(40);
    await reopened.close();
    expect(ids).toHaveLength(50);
  });
});

type Op =
  | { kind: 'redeem'; fresh: number; reuse: number }
  | { kind: 'crash'; fresh: number; cut: number; garble: boolean }
  | { kind: 'reopen' };

describe('file spent store: crash property', () => {
  it('law: after any redemptions, crashes (cut at any byte of the final write) and reopens, every acknowledged id stays spent and is never accepted again', async () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('redeem' as const),
        fresh: fc.integer({ min: 1, max: 12 }),
        reuse: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('crash' as const),
        fresh: fc.integer({ min: 1, max: 12 }),
        cut: fc.double({ min: 0, max: 1, noNaN: true }),
        garble: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('reopen' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const path = fresh();
        const acked: string[] = [];
        let fs = faultFs();
        let store: FileSpentStore = await openFileSpentStore({ path, fs });
        const reopen = async () => {
          // After a simulated crash, close writes nothing (or fails to).
          await store.close().catch(() => undefined);
          fs = faultFs();
          store = await openFileSpentStore({ path, fs });
          for (const x of acked) expect(await store.checkAndAdd(x, LATER, T)).toBe(false);
        };
        for (const step of ops) {
          const ids = Array.from({ length: step.kind === 'reopen' ? 0 : step.fresh }, id);
          if (step.kind === 'reopen') {
            await reopen();
            continue;
          }
          const reused = step.kind === 'redeem' ? acked.slice(-step.reuse) : [];
          if (step.kind === 'crash') {
            const before = readFileSync(path).length;
            fs.budget = Math.floor(step.cut * (8 + 24 * ids.length + 4 + 20));
            const settled = await Promise.allSettled(ids.map((x) => store.checkAndAdd(x, LATER, T)));
            acked.push(...ids.filter((_, i) => settled[i]!.status === 'fulfilled'));
            if (step.garble) {
              const bytes = readFileSync(path);
              for (let i = before; i < bytes.length; i++)
                bytes[i] = crypto.getRandomValues(new Uint8Array(1))[0]!;
              if (settled.some((s) => s.status === 'rejected')) writeFileSync(path, bytes);
            }
            await reopen();
            continue;
          }
          const results = await Promise.all([...ids, ...reused].map((x) => store.checkAndAdd(x, LATER, T)));
          expect(results.slice(ids.length).every((won) => !won)).toBe(true);
          acked.push(...ids.filter((_, i) => results[i]));
        }
        await reopen();
        expect(store.size).toBeGreaterThanOrEqual(acked.length);
        await store.close();
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
