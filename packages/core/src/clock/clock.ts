import { assertSafeInteger } from '../lib/assert.js';

/**
 * A source of time. Everything in tallystick that needs the time takes one,
 * so tests and terminals with a trusted time source can inject their own.
 *
 * @example
 * ```ts
 * import { type Clock, createHlc } from '@tallystick/core';
 * const fixed: Clock = { now: () => 1_700_000_000_000 };
 * createHlc({ node: 'till-1', clock: fixed }).now().wall; // 1700000000000
 * ```
 */
export interface Clock {
  /** Wall-clock time in epoch milliseconds. It may jump, backwards too. */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never goes backwards, when the
   * platform has one. Used where a wall clock set back must not extend a hold.
   */
  monotonic?(): number;
}

/**
 * The platform clock: `Date.now()` for the wall and `performance.now()` for
 * the monotonic reading. This is the only place tallystick reads either.
 *
 * @example
 * ```ts
 * import { systemClock } from '@tallystick/core';
 * const stamp = systemClock.now();
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/**
 * A clock that moves only when told to, for tests and simulations.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * const clock = createManualClock(1_000);
 * clock.advance(500);
 * clock.now(); // 1500
 * ```
 */
export interface ManualClock extends Clock {
  now(): number;
  monotonic(): number;
  /** Moves wall and monotonic time forward together, as real time passes. */
  advance(ms: number): void;
  /** Sets the wall clock only, as a user or NTP would; monotonic time is unaffected. */
  set(epochMs: number): void;
}

/**
 * Creates a {@link ManualClock} starting at `startMs` epoch milliseconds.
 *
 * @throws {RangeError} if `startMs` or a later `advance`/`set` argument is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * const clock = createManualClock(Date.UTC(2026, 0, 1));
 * clock.set(Date.UTC(2025, 0, 1)); // wall jumps back a year
 * clock.monotonic(); // still 0
 * ```
 */
export function createManualClock(startMs = 0): ManualClock {
  assertSafeInteger(startMs, 'startMs');
  let wall = startMs;
  let mono = 0;
  return {
    now: () => wall,
    monotonic: () => mono,
    advance(ms: number) {
      assertSafeInteger(ms, 'ms');
      wall += ms;
      mono += ms;
    },
    set(epochMs: number) {
      assertSafeInteger(epochMs, 'epochMs');
      wall = epochMs;
    },
  };
}
