/**
 * Exit codes, documented in the package README:
 * 0 success; 1 the answer is "no" (a token failed verification, a
 * reconciliation left items for review); 2 bad usage or bad input the user
 * can fix; 3 an unexpected internal error.
 *
 * @example
 * ```ts
 * import { EXIT, runCli } from '@tallystick/cli';
 * const code = await runCli(['inspect', 'TS1:NOT-A-TOKEN']);
 * if (code === EXIT.rejected) console.log('the token does not decode');
 * ```
 */
export const EXIT = { ok: 0, rejected: 1, usage: 2, internal: 3 } as const;

/** A failure whose one-line message tells the user what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}
