import { type Clock, TallystickError } from '@tallystick/core';
import type { RedeemerOptions } from '../redeemer.js';
import type { VerifyFailure } from '../result.js';
import type { VerifyOptions } from '../verifier-options.js';

/** The redeemer's options, checked by shape: the verifier and the outbox are structural. */
export function checkOptions(options: RedeemerOptions): RedeemerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { verifier, outbox, device } = options;
  if (typeof verifier?.verify !== 'function' || typeof verifier.spent?.checkAndAdd !== 'function') {
    throw new TypeError('options.verifier must be a Verifier with a spent store');
  }
  if (typeof outbox?.enqueue !== 'function' || typeof outbox.list !== 'function') {
    throw new TypeError('options.outbox must have enqueue and list (an IntentQueue does)');
  }
  if (typeof device !== 'string') throw new TypeError('options.device must be a string');
  return options;
}

export const spentAlready = (): VerifyFailure => ({
  ok: false,
  code: 'already_spent',
  message: 'token was already redeemed here',
});

export const storeFailed = (message: string, error: unknown): VerifyFailure => ({
  ok: false,
  code: 'store_unavailable',
  message: `${message}: ${String(error)}`,
});

export const outboxFailed = (message: string, error: unknown) =>
  ({ ok: false, code: 'outbox_unavailable', message: `${message}: ${String(error)}` }) as const;

/**
 * Reads a redeem call's options once, as the verifier does (lib/pending.ts), into a plain object with the
 * time filled in: a Proxy's trap, a getter or a clock that throws makes the call `malformed`, never a
 * rejection. The time is checked by `verify`; the redeemer then uses the same value for the record.
 */
export function readRedeemOptions(
  options: unknown,
  clock: Clock,
): { readonly ok: true; readonly options: VerifyOptions & { readonly now: number } } | VerifyFailure {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    return { ok: false, code: 'malformed', message: 'options must be an object' };
  }
  try {
    const o = (options ?? {}) as VerifyOptions;
    const read = { now: o.now, presentation: o.presentation, challenge: o.challenge };
    const now = read.now === undefined ? clock.now() : read.now;
    // Unchecked values: verify refuses a bad `now` or presentation; only after it accepts is `now` a time.
    return { ok: true, options: { ...read, now } as VerifyOptions & { readonly now: number } };
  } catch {
    return { ok: false, code: 'malformed', message: 'a getter of the options or the clock threw' };
  }
}

/** A store answer that is not a boolean might hide a failed write: it is a failure, never a verdict. */
export const notBoolean = (what: string, answer: unknown): TallystickError =>
  new TallystickError('ERR_STORE', `spent store ${what} answered ${typeof answer}, not a boolean`);
