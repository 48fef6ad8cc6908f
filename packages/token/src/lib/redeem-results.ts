import type { RedeemerOptions } from '../redeemer.js';
import type { VerifyFailure } from '../result.js';

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
