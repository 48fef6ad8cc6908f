import type { Clock } from '@tallystick/core';
import { assertInteger, assertObject, describe } from './lib/validate.js';

/**
 * What an {@link OfflineClock} needs to survive a restart: persist it and pass
 * it back to {@link createOfflineClock}.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createOfflineClock, type OfflineClockSnapshot } from '@tallystick/reserve';
 * const saved: OfflineClockSnapshot = { anchorWallMs: 1_700_000_000_000, elapsedMs: 45_000 };
 * const clock = createOfflineClock(createManualClock(1_700_000_045_000), saved); // resumes after a restart
 * ```
 */
export interface OfflineClockSnapshot {
  /** The wall time, epoch ms, when the terminal last trusted its clock (its last sync). */
  readonly anchorWallMs: number;
  /** The offline time already counted; it never decreases. */
  readonly elapsedMs: number;
}

/**
 * A terminal's estimate of the current time while offline, built so that it
 * can run fast but never slow: elapsed time is the larger of the monotonic and
 * the wall-clock deltas since the anchor, and never decreases.
 *
 * @example
 * ```ts
 * declare const offline: OfflineClock;
 * const stillValid = offline.now() < expiresAt - maxSkewMs;
 * ```
 */
export interface OfflineClock {
  /** max(monotonic delta, wall delta, every earlier reading): milliseconds since the anchor. */
  elapsedMs(): number;
  /** anchorWallMs + elapsedMs(): the time the terminal acts on. */
  now(): number;
  /** The state to persist so a restart cannot lose counted time. */
  snapshot(): OfflineClockSnapshot;
}

/**
 * Starts counting offline time from now (or resumes a persisted count).
 *
 * Why the maximum of two clocks: a user or a bad NTP server can set the wall
 * clock back, which would make a hold look younger; the monotonic clock
 * cannot go back but stops while the device sleeps on some platforms and
 * restarts from zero with the process. Taking the larger delta, and keeping a
 * high-water mark, means the estimate can only err towards "later", which
 * expires holds early rather than late. After a restart the monotonic origin is
 * lost, so only the persisted count and the wall clock remain; a wall clock set
 * back while the app was not running then goes unnoticed — persist
 * {@link OfflineClock.snapshot} often to keep that gap short.
 *
 * @param clock - needs `now()` and `monotonic()` (core's `systemClock` and `createManualClock` have both).
 * @param resume - a snapshot saved earlier by this terminal.
 * @throws {TypeError} if `clock` lacks `now()` or `monotonic()`, or `resume` is not an object.
 * @throws {RangeError} if a snapshot field is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createOfflineClock } from '@tallystick/reserve';
 * const clock = createManualClock(1_000_000);
 * const offline = createOfflineClock(clock);
 * clock.advance(5_000);
 * clock.set(0); // the wall jumps back
 * offline.elapsedMs(); // 5000: the monotonic clock kept counting
 * ```
 */
export function createOfflineClock(clock: Clock, resume?: OfflineClockSnapshot): OfflineClock {
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new TypeError(`clock must have a now() method, got ${describe(clock)}`);
  }
  const readMonotonic = clock.monotonic?.bind(clock);
  if (typeof readMonotonic !== 'function') {
    throw new TypeError(
      'clock.monotonic must be a function: without it a wall clock set back would extend holds',
    );
  }
  let anchorWallMs: number;
  let floor: number;
  if (resume === undefined) {
    anchorWallMs = clock.now();
    floor = 0;
  } else {
    assertObject(resume, 'resume');
    assertInteger(resume.anchorWallMs, 'resume.anchorWallMs');
    assertInteger(resume.elapsedMs, 'resume.elapsedMs');
    anchorWallMs = resume.anchorWallMs;
    floor = resume.elapsedMs;
  }
  // The monotonic delta continues from the persisted count.
  const monotonicOrigin = readMonotonic() - floor;
  const elapsedMs = (): number => {
    const byMonotonic = readMonotonic() - monotonicOrigin;
    const byWall = clock.now() - anchorWallMs;
    floor = Math.max(floor, Math.floor(byMonotonic), Math.floor(byWall));
    return floor;
  };
  return {
    elapsedMs,
    now: () => anchorWallMs + elapsedMs(),
    snapshot: () => ({ anchorWallMs, elapsedMs: elapsedMs() }),
  };
}
