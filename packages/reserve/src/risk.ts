import { poissonTail } from './lib/incomplete-gamma.js';
import {
  assertInteger,
  assertObject,
  assertOpenProbability,
  MS_PER_HOUR,
  POISSON_MAX_MEAN,
  sumRates,
} from './lib/validate.js';

/**
 * Input to {@link oversellProbability}.
 *
 * @example
 * ```ts
 * import { type OversellInput, oversellProbability } from '@tallystick/reserve';
 * const input: OversellInput = { stock: 160, ratesPerHour: [30, 20, 10], windowMs: 7_200_000 };
 * oversellProbability(input); // the chance the tills together sell more than 160
 * ```
 */
export interface OversellInput {
  /** Units shared by all terminals, an integer ≥ 0. */
  readonly stock: number;
  /** Each terminal's expected sales per hour. */
  readonly ratesPerHour: readonly number[];
  /** The offline window in milliseconds, an integer ≥ 1. */
  readonly windowMs: number;
}

/**
 * The chance that terminals selling from one shared stock, without quotas and
 * without seeing each other's sales, sell more than exists before they
 * reconnect: P(Σ Dᵢ > S) = 1 − F(S; Σ μᵢ), since a sum of independent Poisson
 * demands is Poisson with the summed mean. Computed directly as a survival
 * probability, so risks like 1e-12 are exact rather than rounded to 0.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} for a negative or fractional `stock`, a NaN, negative or infinite rate,
 * a `windowMs` below 1, or a total mean above {@link POISSON_MAX_MEAN}.
 * @example
 * ```ts
 * import { oversellProbability } from '@tallystick/reserve';
 * oversellProbability({ stock: 160, ratesPerHour: [30, 20, 10], windowMs: 2 * 3_600_000 }); // ≈ 2.09e-4
 * ```
 */
export function oversellProbability(input: OversellInput): number {
  assertObject(input, 'input');
  const { stock, ratesPerHour, windowMs } = input;
  assertInteger(stock, 'stock');
  const rate = sumRates(ratesPerHour, 'ratesPerHour');
  assertInteger(windowMs, 'windowMs', 1);
  const mu = (rate * windowMs) / MS_PER_HOUR;
  if (mu > POISSON_MAX_MEAN)
    throw new RangeError(`ratesPerHour × windowMs is a mean of ${mu}, above ${POISSON_MAX_MEAN}`);
  return poissonTail(stock, mu, true);
}

/**
 * Input to {@link maxOfflineWindow}.
 *
 * @example
 * ```ts
 * import { maxOfflineWindow, type OfflineWindowInput } from '@tallystick/reserve';
 * const input: OfflineWindowInput = { stock: 160, ratesPerHour: [30, 20, 10], maxOversellProbability: 0.001 };
 * maxOfflineWindow(input).windowMs;
 * ```
 */
export interface OfflineWindowInput {
  readonly stock: number;
  readonly ratesPerHour: readonly number[];
  /** ε ∈ (0, 1): the tolerated chance of overselling. */
  readonly maxOversellProbability: number;
}

/**
 * The result of {@link maxOfflineWindow}.
 *
 * @example
 * ```ts
 * import { maxOfflineWindow, type OfflineWindow } from '@tallystick/reserve';
 * const w: OfflineWindow = maxOfflineWindow({ stock: 160, ratesPerHour: [30, 20, 10], maxOversellProbability: 0.001 });
 * const minutes = w.windowMs / 60_000; // how long the tills may sell offline
 * ```
 */
export interface OfflineWindow {
  /**
   * The longest whole number of milliseconds T with oversell risk ≤ ε: the risk
   * at T is ≤ ε and at T + 1 is > ε (exact to the millisecond). Infinity when
   * every rate is 0; capped at the window where the mean reaches
   * {@link POISSON_MAX_MEAN} (see `capped`).
   */
  readonly windowMs: number;
  /** The oversell probability at `windowMs`. */
  readonly oversellProbability: number;
  /** Expected total sales in that window, Σλᵢ·T. */
  readonly expectedDemand: number;
  /** True when the search stopped at the largest supported mean rather than at ε. */
  readonly capped: boolean;
}

/**
 * How long terminals may sell from shared stock offline before the risk of
 * overselling exceeds ε. The risk P(Poisson(Λ·T) > S) grows with T, so the
 * answer is found by galloping from a first guess and bisecting on whole
 * milliseconds: about 2·log₂(T) survival evaluations.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} for a negative or fractional `stock`, a NaN, negative or infinite rate, or
 * `maxOversellProbability` outside (0, 1).
 * @example
 * ```ts
 * import { maxOfflineWindow } from '@tallystick/reserve';
 * const w = maxOfflineWindow({ stock: 160, ratesPerHour: [30, 20, 10], maxOversellProbability: 0.001 });
 * w.windowMs; // 7_477_160: about 2 h 5 min
 * ```
 */
export function maxOfflineWindow(input: OfflineWindowInput): OfflineWindow {
  assertObject(input, 'input');
  const { stock, ratesPerHour, maxOversellProbability: epsilon } = input;
  assertInteger(stock, 'stock');
  const rate = sumRates(ratesPerHour, 'ratesPerHour');
  assertOpenProbability(epsilon, 'maxOversellProbability');
  if (rate === 0) {
    return { windowMs: Number.POSITIVE_INFINITY, oversellProbability: 0, expectedDemand: 0, capped: false };
  }
  const meanAt = (t: number): number => (rate * t) / MS_PER_HOUR;
  const risk = (t: number): number => poissonTail(stock, meanAt(t), true);
  const ok = (t: number): boolean => risk(t) <= epsilon;
  const limit = Math.min(Number.MAX_SAFE_INTEGER, Math.floor((POISSON_MAX_MEAN * MS_PER_HOUR) / rate));
  const result = (t: number, capped: boolean): OfflineWindow => ({
    windowMs: t,
    oversellProbability: risk(t),
    expectedDemand: meanAt(t),
    capped,
  });
  if (ok(limit)) return result(limit, true);
  // lo satisfies the bound (risk(0) = 0), hi does not.
  let lo = 0;
  let hi = limit;
  const guess = Math.min(limit - 1, Math.max(1, Math.floor((Math.max(stock, 1) / rate) * MS_PER_HOUR)));
  if (ok(guess)) {
    lo = guess;
    for (let step = Math.max(1, Math.floor(guess / 8)); ; step *= 2) {
      const next = Math.min(hi, lo + step);
      if (next === hi || !ok(next)) {
        hi = next;
        break;
      }
      lo = next;
    }
  } else {
    hi = guess;
    for (let step = Math.max(1, Math.floor(guess / 8)); ; step *= 2) {
      const next = Math.max(0, hi - step);
      if (next === 0 || ok(next)) {
        lo = next;
        break;
      }
      hi = next;
    }
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return result(lo, false);
}
