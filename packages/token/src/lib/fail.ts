import type { VerifyCode, VerifyFailure } from '../result.js';

/** Builds a refusal. One shape for every failure keeps call sites monomorphic. */
export function fail(code: VerifyCode, message: string): VerifyFailure {
  return { ok: false, code, message };
}
