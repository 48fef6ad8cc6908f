/** One opener per spent log: in this process, and across processes racing, also over a dead process's lock. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTallystickError } from '@tallystick/core';
import { afterAll, describe, expect, it } from 'vitest';
import { deadPid, race } from '../../core/test/lock-race.js';
import { openFileSpentStore } from '../src/spent-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-lock-'));
let n = 0;
const fresh = () => join(dir, `spent-${n++}.log`);
const child = fileURLToPath(new URL('./spent-race-child.ts', import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file spent store: one opener per file', () => {
  it('refuses a second open in this process, concurrent or not, under any name, until the first closes', async () => {
    const path = fresh();
    const both = await Promise.allSettled([openFileSpentStore({ path }), openFileSpentStore({ path })]);
    const opened = both.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(opened).toHaveLength(1);
    const error = (both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    expect(isTallystickError(error, 'ERR_LOCKED')).toBe(true);
    const link = `${path}.alias`;
    symlinkSync(path, link);
    await expect(openFileSpentStore({ path: link })).rejects.toThrow(/already open in this process/);
    await expect(openFileSpentStore({ path })).rejects.toThrow(/already open in this process/);
    await opened[0]!.close();
    await (await openFileSpentStore({ path: link })).close();
  });

  it('refuses while a live process holds it', async () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, String(process.ppid));
    await expect(openFileSpentStore({ path })).rejects.toThrow(/held by running process/);
  });

  it('of three processes racing to open one log, exactly one wins: on a fresh log, and over a dead process lock', async () => {
    const cases = [
      async () => undefined,
      async () => String(await deadPid()), // the format of the lock before 0.2
      async () => JSON.stringify({ pid: await deadPid(), host: hostname(), token: 'dead' }),
    ];
    for (const lock of cases) {
      const path = fresh();
      const content = await lock();
      if (content !== undefined) writeFileSync(`${path}.lock`, content);
      const result = await race(child, [path], 3);
      expect(result.won, result.lost.join('\n')).toBe(1);
      for (const line of result.lost) expect(line).toMatch(/^lost ERR_LOCKED /);
    }
  }, 60_000);
});
