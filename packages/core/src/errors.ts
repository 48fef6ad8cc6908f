/**
 * Every stable error code a tallystick package can raise. Callers switch on
 * `error.code`, never on messages, which may be reworded in any release.
 *
 * @example
 * ```ts
 * import { isTallystickError, money, type TallystickErrorCode } from '@tallystick/core';
 * let code: TallystickErrorCode | undefined;
 * try {
 *   money(0.5, 'EUR');
 * } catch (error) {
 *   if (isTallystickError(error)) code = error.code; // 'ERR_MONEY_INVALID'
 * }
 * ```
 */
export type TallystickErrorCode =
  | 'ERR_INVALID_ENCODING'
  | 'ERR_VARINT_OVERLONG'
  | 'ERR_VARINT_TOO_LARGE'
  | 'ERR_NOT_CANONICAL_JSON'
  | 'ERR_HLC_DRIFT'
  | 'ERR_HLC_COUNTER_OVERFLOW'
  | 'ERR_HLC_INVALID'
  | 'ERR_MONEY_INVALID'
  | 'ERR_CURRENCY_UNKNOWN'
  | 'ERR_CURRENCY_MISMATCH'
  | 'ERR_SCHEMA'
  | 'ERR_TOKEN'
  | 'ERR_KEY'
  | 'QUEUE_STORAGE_FULL'
  | 'ERR_QUEUE'
  | 'ERR_QUEUE_CLOSED'
  | 'ERR_QUEUE_LOCKED'
  | 'ERR_IDEMPOTENCY'
  | 'ERR_IDEMPOTENCY_KEY_INVALID'
  | 'ERR_RECONCILE'
  | 'ERR_RESERVE'
  | 'ERR_STORE'
  | 'ERR_LOCKED'
  | 'ERR_STORE_FULL'
  | 'ERR_SERVICE_UNAVAILABLE';

/**
 * Options accepted by {@link TallystickError}.
 *
 * @example
 * ```ts
 * const options: TallystickErrorOptions = { cause: new Error('disk full') };
 * ```
 */
export interface TallystickErrorOptions {
  /** The underlying failure, kept for debugging and logging. */
  cause?: unknown;
}

/**
 * The one base class of every error tallystick throws on purpose. It carries a
 * stable machine-readable `code` and, where one exists, the original `cause`.
 * Wrong argument types are plain `TypeError`s and out-of-range arguments plain
 * `RangeError`s, as in the platform; everything domain-specific is this class.
 *
 * @example
 * ```ts
 * import { TallystickError } from '@tallystick/core';
 *
 * try {
 *   throw new TallystickError('ERR_MONEY_INVALID', 'amount must be an integer');
 * } catch (error) {
 *   if (error instanceof TallystickError && error.code === 'ERR_MONEY_INVALID') {
 *     console.log(error.message);
 *   }
 * }
 * ```
 */
export class TallystickError extends Error {
  /** A stable identifier for the kind of failure. */
  readonly code: TallystickErrorCode;

  constructor(code: TallystickErrorCode, message: string, options?: TallystickErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Tells whether a value is a {@link TallystickError}, optionally of one code.
 * Works across module copies (e.g. the ESM and CJS builds both loaded), where
 * `instanceof` would fail, by checking the shape instead of the prototype.
 *
 * @example
 * ```ts
 * import { isTallystickError } from '@tallystick/core';
 *
 * const err: unknown = new Error('x');
 * isTallystickError(err, 'ERR_HLC_DRIFT'); // false
 * ```
 */
export function isTallystickError(value: unknown, code?: TallystickErrorCode): value is TallystickError {
  if (!(value instanceof Error)) return false;
  const actual = (value as { code?: unknown }).code;
  if (typeof actual !== 'string') return false;
  return code === undefined ? value instanceof TallystickError || actual.length > 0 : actual === code;
}
