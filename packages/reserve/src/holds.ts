import type { Clock } from '@tallystick/core';
import { assertInteger, assertObject, assertString, describe } from './lib/validate.js';
import type { OfflineClock } from './offline-clock.js';

/**
 * A reservation hold (a cart, a pickup slot) that lapses at `expiresAt`,
 * epoch milliseconds on the server's clock.
 *
 * @example
 * ```ts
 * const hold: Hold = { id: 'cart-42', expiresAt: Date.UTC(2026, 5, 1, 18, 15) };
 * ```
 */
export interface Hold {
  readonly id: string;
  readonly expiresAt: number;
}

/**
 * How far clocks may disagree and how long the server waits after that.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createHold, type HoldPolicy, holdDeadlines } from '@tallystick/reserve';
 * const policy: HoldPolicy = { maxSkewMs: 30_000, graceMs: 60_000 };
 * holdDeadlines(createHold({ id: 'cart-42', ttlMs: 15 * 60_000, clock: createManualClock(0) }), policy);
 * ```
 */
export interface HoldPolicy {
  /** δ: the largest difference between any terminal's clock and the server's. */
  readonly maxSkewMs: number;
  /** Extra time before the server reclaims, e.g. for a sale that was in flight. */
  readonly graceMs: number;
}

/**
 * The two moments that keep a hold from being both sold offline and reclaimed.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createHold, type HoldDeadlines, holdDeadlines } from '@tallystick/reserve';
 * const hold = createHold({ id: 'cart-42', ttlMs: 15 * 60_000, clock: createManualClock(0) });
 * const d: HoldDeadlines = holdDeadlines(hold, { maxSkewMs: 30_000, graceMs: 60_000 });
 * d.serverReclaimsAt - d.terminalStopsAt; // 120000: 2δ + grace
 * ```
 */
export interface HoldDeadlines {
  /** expiresAt − δ: a terminal refuses the hold from here on. */
  readonly terminalStopsAt: number;
  /** expiresAt + δ + grace: the server may give the stock to someone else from here on. */
  readonly serverReclaimsAt: number;
}

/**
 * A terminal's verdict on a hold, from {@link terminalHoldStatus}.
 *
 * @example
 * ```ts
 * declare const status: HoldStatus;
 * if (!status.honoured) console.log('hold lapsed; sell from the open quota instead');
 * ```
 */
export interface HoldStatus {
  /** True while the terminal may still sell against the hold. */
  readonly honoured: boolean;
  /** Milliseconds left before the terminal stops honouring it (0 once it has). */
  readonly remainingMs: number;
}

/**
 * Creates a hold that lapses `ttlMs` after `clock.now()` (the server's clock).
 *
 * @throws {TypeError} if `id` is not a string or `clock` has no `now()`.
 * @throws {RangeError} if `ttlMs` is not an integer ≥ 1 or the expiry is not a safe integer.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createHold } from '@tallystick/reserve';
 * createHold({ id: 'cart-42', ttlMs: 15 * 60_000, clock: createManualClock(0) }); // { id: 'cart-42', expiresAt: 900000 }
 * ```
 */
export function createHold(input: {
  readonly id: string;
  readonly ttlMs: number;
  readonly clock: Clock;
}): Hold {
  assertObject(input, 'input');
  assertString(input.id, 'id');
  assertInteger(input.ttlMs, 'ttlMs', 1);
  if (typeof input.clock?.now !== 'function') throw new TypeError('clock must have a now() method');
  const expiresAt = input.clock.now() + input.ttlMs;
  assertInteger(expiresAt, 'clock.now() + ttlMs');
  return { id: input.id, expiresAt };
}

/**
 * Where a terminal stops honouring a hold and where the server reclaims it,
 * given a clock-skew bound δ. Between the two lie 2δ + grace of real time, so
 * a terminal whose clock is up to δ behind still stops before the server,
 * whose clock may be up to δ ahead of it, hands the stock to someone else.
 *
 * @throws {TypeError} if `hold` or `policy` is not an object.
 * @throws {RangeError} if `expiresAt`, `maxSkewMs` or `graceMs` is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { holdDeadlines } from '@tallystick/reserve';
 * holdDeadlines({ id: 'h', expiresAt: 100_000 }, { maxSkewMs: 5_000, graceMs: 10_000 });
 * // { terminalStopsAt: 95_000, serverReclaimsAt: 115_000 }
 * ```
 */
export function holdDeadlines(hold: Hold, policy: HoldPolicy): HoldDeadlines {
  assertObject(hold, 'hold');
  assertInteger(hold.expiresAt, 'hold.expiresAt');
  assertObject(policy, 'policy');
  assertInteger(policy.maxSkewMs, 'policy.maxSkewMs');
  assertInteger(policy.graceMs, 'policy.graceMs');
  const serverReclaimsAt = hold.expiresAt + policy.maxSkewMs + policy.graceMs;
  assertInteger(serverReclaimsAt, 'hold.expiresAt + policy.maxSkewMs + policy.graceMs');
  return { terminalStopsAt: hold.expiresAt - policy.maxSkewMs, serverReclaimsAt };
}

/**
 * A terminal's view of a hold: whether it may still sell against it and for
 * how long, judged by an {@link OfflineClock} so that a wall clock set
 * backwards while offline cannot extend the hold.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if a time or bound is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createOfflineClock, terminalHoldStatus } from '@tallystick/reserve';
 * const clock = createManualClock(0);
 * const offline = createOfflineClock(clock);
 * clock.advance(60_000);
 * clock.set(0); // someone sets the wall clock back
 * terminalHoldStatus({ id: 'h', expiresAt: 90_000 }, { maxSkewMs: 10_000, graceMs: 0 }, offline);
 * // { honoured: true, remainingMs: 20_000 } — the minute still counts
 * ```
 */
export function terminalHoldStatus(hold: Hold, policy: HoldPolicy, offline: OfflineClock): HoldStatus {
  const { terminalStopsAt } = holdDeadlines(hold, policy);
  assertOfflineClock(offline, 'offline');
  const remainingMs = Math.max(0, terminalStopsAt - offline.now());
  return { honoured: remainingMs > 0, remainingMs };
}

/**
 * Whether the server may reclaim a hold's stock: its own clock has reached
 * expiresAt + δ + grace.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if a time or bound is not a safe integer ≥ 0.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { serverMayReclaim } from '@tallystick/reserve';
 * serverMayReclaim({ id: 'h', expiresAt: 1_000 }, { maxSkewMs: 100, graceMs: 50 }, createManualClock(1_150)); // true
 * ```
 */
export function serverMayReclaim(hold: Hold, policy: HoldPolicy, clock: Clock): boolean {
  const { serverReclaimsAt } = holdDeadlines(hold, policy);
  if (typeof clock?.now !== 'function') throw new TypeError('clock must have a now() method');
  return clock.now() >= serverReclaimsAt;
}

/** Duck-typed, so a hand-written offline clock also works. */
function assertOfflineClock(value: unknown, name: string): asserts value is OfflineClock {
  if (typeof value !== 'object' || value === null || typeof (value as OfflineClock).now !== 'function') {
    throw new TypeError(`${name} must be an OfflineClock (from createOfflineClock), got ${describe(value)}`);
  }
}
