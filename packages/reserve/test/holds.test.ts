import { type Clock, createManualClock } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createHold,
  createOfflineClock,
  holdDeadlines,
  serverMayReclaim,
  terminalHoldStatus,
} from '../src/index.js';

const policy = { maxSkewMs: 30_000, graceMs: 60_000 };

describe('deadlines', () => {
  it('the terminal stops at expiresAt − δ; the server reclaims at expiresAt + δ + grace', () => {
    expect(holdDeadlines({ id: 'h', expiresAt: 1_000_000 }, policy)).toEqual({
      terminalStopsAt: 970_000,
      serverReclaimsAt: 1_090_000,
    });
  });

  it('createHold stamps expiry from the server clock', () => {
    const clock = createManualClock(5_000);
    expect(createHold({ id: 'cart', ttlMs: 900_000, clock })).toEqual({ id: 'cart', expiresAt: 905_000 });
  });

  it('the server reclaims exactly at its deadline', () => {
    const hold = { id: 'h', expiresAt: 1_000_000 };
    expect(serverMayReclaim(hold, policy, createManualClock(1_089_999))).toBe(false);
    expect(serverMayReclaim(hold, policy, createManualClock(1_090_000))).toBe(true);
  });

  it('rejects bad arguments naming them', () => {
    const clock = createManualClock(0);
    expect(() => createHold({ id: 'h', ttlMs: 0, clock })).toThrow(/^ttlMs must be an integer in \[1,/);
    expect(() => createHold({ id: '', ttlMs: 5, clock })).toThrow(/^id must not be empty/);
    expect(() => createHold({ id: 'h', ttlMs: 5, clock: {} as Clock })).toThrow(TypeError);
    expect(() => holdDeadlines({ id: 'h', expiresAt: 1 }, { maxSkewMs: -1, graceMs: 0 })).toThrow(
      /^policy.maxSkewMs/,
    );
    expect(() => holdDeadlines({ id: 'h', expiresAt: Number.NaN }, policy)).toThrow(/^hold.expiresAt/);
    expect(() => terminalHoldStatus({ id: 'h', expiresAt: 1 }, policy, {} as never)).toThrow(
      /^offline must be an OfflineClock/,
    );
    expect(() => createOfflineClock({ now: () => 0 })).toThrow(/^clock.monotonic must be a function/);
    expect(() => createOfflineClock(clock, { anchorWallMs: 0, elapsedMs: -5 })).toThrow(/^resume.elapsedMs/);
  });
});

describe('offline time', () => {
  it('a wall clock set backwards cannot extend a hold (the monotonic clock keeps counting)', () => {
    const start = 1_700_000_000_000;
    const clock = createManualClock(start);
    const offline = createOfflineClock(clock);
    const hold = { id: 'cart', expiresAt: start + 10 * 60_000 };
    clock.advance(5 * 60_000);
    clock.set(start - 3_600_000); // an hour back
    expect(offline.elapsedMs()).toBe(5 * 60_000);
    expect(terminalHoldStatus(hold, policy, offline)).toEqual({
      honoured: true,
      remainingMs: 5 * 60_000 - 30_000,
    });
    clock.advance(5 * 60_000 - 30_000);
    expect(terminalHoldStatus(hold, policy, offline)).toEqual({ honoured: false, remainingMs: 0 });
  });

  it('a wall clock set forwards counts too: holds expire early rather than late', () => {
    const clock = createManualClock(1_000_000);
    const offline = createOfflineClock(clock);
    clock.set(1_000_000 + 3_600_000);
    expect(offline.elapsedMs()).toBe(3_600_000);
    clock.set(1_000_000); // and back again: what was counted stays counted
    expect(offline.elapsedMs()).toBe(3_600_000);
  });

  it('a snapshot survives a restart, when the monotonic clock starts again from 0', () => {
    const before = createManualClock(2_000_000);
    const offline = createOfflineClock(before);
    before.advance(120_000);
    const saved = offline.snapshot();
    const after = createManualClock(0); // restarted process, and the wall clock is wrong
    const resumed = createOfflineClock(after, saved);
    expect(resumed.elapsedMs()).toBe(120_000);
    after.advance(1_000);
    expect(resumed.elapsedMs()).toBe(121_000);
    expect(resumed.now()).toBe(2_121_000);
  });

  it('elapsed is never below the real (monotonic) elapsed time nor below the wall delta, and never decreases', () => {
    const step = fc.oneof(
      fc.record({ advance: fc.integer({ min: 0, max: 100_000 }) }),
      fc.record({ set: fc.integer({ min: 0, max: 10_000_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const clock = createManualClock(5_000_000);
        const offline = createOfflineClock(clock);
        let previous = 0;
        for (const s of steps) {
          if ('advance' in s) clock.advance(s.advance);
          else clock.set(s.set);
          const elapsed = offline.elapsedMs();
          expect(elapsed).toBeGreaterThanOrEqual(clock.monotonic());
          expect(elapsed).toBeGreaterThanOrEqual(clock.now() - 5_000_000);
          expect(elapsed).toBeGreaterThanOrEqual(previous);
          previous = elapsed;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never honoured by a terminal while reclaimable by the server, for any skew within δ and any wall tampering', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -policy.maxSkewMs, max: policy.maxSkewMs }), // terminal clock − true time at sync
        fc.integer({ min: 1_000, max: 3_600_000 }), // hold TTL
        fc.array(
          fc.record({
            advance: fc.integer({ min: 0, max: 600_000 }),
            tamper: fc.integer({ min: -7_200_000, max: 7_200_000 }),
          }),
          { maxLength: 20 },
        ),
        (skew, ttl, steps) => {
          const start = 1_700_000_000_000;
          const server = createManualClock(start);
          const hold = createHold({ id: 'h', ttlMs: ttl, clock: server });
          const terminal = createManualClock(start + skew);
          const offline = createOfflineClock(terminal);
          for (const { advance, tamper } of steps) {
            server.advance(advance);
            terminal.advance(advance);
            terminal.set(Math.max(0, terminal.now() + tamper));
            const honoured = terminalHoldStatus(hold, policy, offline).honoured;
            expect(honoured && serverMayReclaim(hold, policy, server)).toBe(false);
            // Stronger: a terminal never honours past the true expiry.
            if (honoured) expect(server.now()).toBeLessThan(hold.expiresAt);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
