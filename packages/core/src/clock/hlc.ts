import { TallystickError } from '../errors.js';
import { assertSafeInteger } from '../lib/assert.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import {
  assertTimestamp,
  decodeHlc,
  encodeHlc,
  HLC_MAX_COUNTER,
  type HlcTimestamp,
  isValidHlcNode,
} from './hlc-timestamp.js';

/**
 * Options for {@link createHlc}.
 *
 * @example
 * ```ts
 * import { createHlc, type HlcOptions } from '@tallystick/core';
 * const options: HlcOptions = { node: 'till-1', maxDriftMs: 60_000 };
 * const hlc = createHlc(options);
 * hlc.now(); // { wall: ..., counter: 0, node: 'till-1' }
 * ```
 */
export interface HlcOptions {
  /** Unique per install: two devices sharing a node id can issue equal stamps. */
  node: string;
  /** Physical time source. Defaults to the system clock. */
  clock?: Clock;
  /** A remote stamp further than this ahead of local physical time is refused. Default 60 s. */
  maxDriftMs?: number;
  /** The persisted high-water mark (from {@link Hlc.snapshot}), so a restart never goes backwards. */
  last?: string | HlcTimestamp;
}

/**
 * A hybrid logical clock: stamps that follow physical time closely, never go
 * backwards, and respect causality across devices.
 *
 * @example
 * ```ts
 * import { createHlc } from '@tallystick/core';
 * const hlc = createHlc({ node: 'till-1' });
 * const a = hlc.now();
 * const b = hlc.now(); // compareHlc(a, b) < 0
 * ```
 */
export interface Hlc {
  /** The node id this clock stamps with. */
  readonly node: string;
  /** Stamps a local or send event. */
  now(): HlcTimestamp;
  /** Merges a stamp received from another node and stamps the receive event. */
  receive(remote: HlcTimestamp): HlcTimestamp;
  /** The latest stamp issued, or undefined before the first. */
  peek(): HlcTimestamp | undefined;
  /** The high-water mark as text, to persist and pass back as `last` on restart. */
  snapshot(): string | undefined;
}

/**
 * Creates a hybrid logical clock.
 *
 * Rules (Kulkarni et al. 2014), with `pt` the physical time:
 * - local event: `l' = max(l, pt)`; the counter increments if `l' == l`, else resets.
 * - receive `(lm, cm)`: `l' = max(l, lm, pt)`; the counter follows whichever
 *   inputs reached `l'`, one past the largest of their counters.
 *
 * @throws {TypeError} if `node` is not a valid node id.
 * @throws {RangeError} if `maxDriftMs` is negative or not an integer.
 * @throws {TallystickError} `ERR_HLC_DRIFT` from `receive` when the remote runs more than
 * `maxDriftMs` ahead; `ERR_HLC_COUNTER_OVERFLOW` when 65,536 events share one millisecond;
 * `ERR_HLC_INVALID` for a malformed `last` or remote stamp.
 * @example
 * ```ts
 * import { createHlc, createManualClock } from '@tallystick/core';
 * const clock = createManualClock(1_000);
 * const till = createHlc({ node: 'till-1', clock });
 * const server = createHlc({ node: 'server', clock });
 * const sent = till.now();
 * const got = server.receive(sent); // ordered after `sent`
 * ```
 */
export function createHlc(options: HlcOptions): Hlc {
  const { node, clock = systemClock, maxDriftMs = 60_000 } = options;
  if (!isValidHlcNode(node)) throw new TypeError('node must be 1-64 characters of [0-9A-Za-z._~-]');
  assertSafeInteger(maxDriftMs, 'maxDriftMs');
  let last: HlcTimestamp | undefined;
  if (options.last !== undefined) {
    last = typeof options.last === 'string' ? decodeHlc(options.last) : options.last;
    assertTimestamp(last);
  }
  let wall = last?.wall ?? 0;
  let counter = last?.counter ?? 0;
  let started = last !== undefined;

  const stamp = (nextWall: number, nextCounter: number): HlcTimestamp => {
    if (nextCounter > HLC_MAX_COUNTER) {
      throw new TallystickError(
        'ERR_HLC_COUNTER_OVERFLOW',
        `more than ${HLC_MAX_COUNTER + 1} events in one millisecond`,
      );
    }
    wall = nextWall;
    counter = nextCounter;
    started = true;
    last = { wall, counter, node };
    return last;
  };

  return {
    node,
    now() {
      const pt = physical(clock);
      if (started && wall >= pt) return stamp(wall, counter + 1);
      return stamp(pt, 0);
    },
    receive(remote) {
      assertTimestamp(remote);
      const pt = physical(clock);
      if (remote.wall - pt > maxDriftMs) {
        throw new TallystickError(
          'ERR_HLC_DRIFT',
          `remote clock ${remote.node} is ${remote.wall - pt} ms ahead, more than the ${maxDriftMs} ms allowed`,
        );
      }
      const l = started ? wall : -1;
      const next = Math.max(l, remote.wall, pt);
      if (next === l && next === remote.wall) return stamp(next, Math.max(counter, remote.counter) + 1);
      if (next === l) return stamp(next, counter + 1);
      if (next === remote.wall) return stamp(next, remote.counter + 1);
      return stamp(next, 0);
    },
    peek: () => last,
    snapshot: () => (last ? encodeHlc(last) : undefined),
  };
}

function physical(clock: Clock): number {
  // Sub-millisecond clocks are floored so the wall field stays an integer.
  return Math.floor(clock.now());
}
