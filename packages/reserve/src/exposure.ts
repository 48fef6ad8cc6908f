import { assertArray, assertInteger, assertObject, assertString, describe } from './lib/validate.js';

/**
 * A token (voucher, prepaid ticket, offline payment) that some terminals will
 * honour without being able to check it online.
 *
 * @example
 * ```ts
 * import { type ExposureToken, exposure } from '@tallystick/reserve';
 * const voucher: ExposureToken = { id: 'v-1', amount: 2500, terminals: ['till-1', 'till-2'] };
 * exposure({ tokens: [voucher], caps: { perToken: 25_000, perTerminal: 100_000 } });
 * ```
 */
export interface ExposureToken {
  readonly id: string;
  /** Face value in integer minor units (cents, yen, fils). */
  readonly amount: number;
  /** The terminals that accept this token while offline. */
  readonly terminals: readonly string[];
}

/**
 * Offline acceptance limits, the way card and wallet schemes cap offline
 * payments (Moneris: $250 per transaction; UPI Lite: ₹1,000 per payment and a
 * ₹5,000 balance). All in integer minor units.
 *
 * @example
 * ```ts
 * import { type ExposureCaps, exposure } from '@tallystick/reserve';
 * const caps: ExposureCaps = { perToken: 25_000, perTerminal: { 'till-1': 100_000, 'till-2': 50_000 } };
 * exposure({ tokens: [{ id: 'v-1', amount: 2500, terminals: ['till-1'] }], caps });
 * ```
 */
export interface ExposureCaps {
  /** The most a terminal pays out offline against any one token. */
  readonly perToken: number;
  /** The most a terminal pays out offline in total: one figure for all, or one per terminal id. */
  readonly perTerminal: number | Readonly<Record<string, number>>;
}

/**
 * Input to {@link exposure}.
 *
 * @example
 * ```ts
 * import { type ExposureInput, exposure } from '@tallystick/reserve';
 * const input: ExposureInput = {
 *   tokens: [{ id: 'v-1', amount: 2500, terminals: ['till-1'] }],
 *   caps: { perToken: 25_000, perTerminal: 100_000 },
 * };
 * exposure(input);
 * ```
 */
export interface ExposureInput {
  readonly tokens: readonly ExposureToken[];
  readonly caps: ExposureCaps;
}

/**
 * The result of {@link exposure}; every figure is in minor units.
 *
 * @example
 * ```ts
 * declare const e: ExposureResult;
 * const atRiskBeyondFaceValue = Math.max(0, e.valueAtRisk - e.faceValue);
 * ```
 */
export interface ExposureResult {
  /** The worst-case total that all terminals together can pay out offline. */
  readonly valueAtRisk: number;
  /** Σ token amounts: what the tokens are legitimately worth, once each. */
  readonly faceValue: number;
  /** Per terminal: the most it can pay out, and whether its cap is what limits it. */
  readonly terminals: readonly {
    readonly id: string;
    readonly maxPayout: number;
    readonly capped: boolean;
  }[];
  /** Per token: the most it can draw across all its terminals, each honouring it once. */
  readonly tokens: readonly { readonly id: string; readonly maxPayout: number }[];
}

/**
 * The worst-case value at risk from tokens redeemable offline at several
 * terminals. Offline terminals cannot see each other, so one token can be
 * honoured once at every terminal that accepts it; per-token and per-terminal
 * caps are what bound the damage. A terminal t can pay at most
 *
 *   min(capₜ, Σ over its tokens of min(amount, perToken))
 *
 * and the value at risk is the sum over terminals, since their payouts are
 * independent. The figure is exact when a terminal may pay part of a token up
 * to its remaining cap (stored value, as in UPI Lite); when tokens are only
 * ever honoured whole it is an upper bound, within `perToken` of the truth per
 * capped terminal (finding the exact whole-token worst case is subset-sum).
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if an amount or cap is not a safe integer ≥ 0, an id is empty or repeated,
 * a terminal has no cap in a per-terminal record, or a total exceeds 2⁵³ − 1.
 * @example
 * ```ts
 * import { exposure } from '@tallystick/reserve';
 * const e = exposure({
 *   tokens: [
 *     { id: 'v1', amount: 30_000, terminals: ['t1', 't2'] },
 *     { id: 'v2', amount: 10_000, terminals: ['t1'] },
 *   ],
 *   caps: { perToken: 25_000, perTerminal: 30_000 },
 * });
 * e.valueAtRisk; // 55_000: t1 pays min(30_000, 25_000 + 10_000), t2 pays 25_000
 * ```
 */
export function exposure(input: ExposureInput): ExposureResult {
  assertObject(input, 'input');
  const { tokens, caps } = input;
  assertArray(tokens, 'tokens');
  assertObject(caps, 'caps');
  assertInteger(caps.perToken, 'caps.perToken');
  const capOf = terminalCaps(caps.perTerminal);
  const eligible = new Map<string, number>(); // terminal → Σ min(amount, perToken)
  const tokenRows: { id: string; maxPayout: number }[] = [];
  const tokenIds = new Set<string>();
  let faceValue = 0;
  for (const [i, token] of tokens.entries()) {
    assertObject(token, `tokens[${i}]`);
    assertString(token.id, `tokens[${i}].id`);
    if (tokenIds.has(token.id)) throw new RangeError(`tokens[${i}].id duplicates "${token.id}"`);
    tokenIds.add(token.id);
    assertInteger(token.amount, `tokens[${i}].amount`);
    assertArray(token.terminals, `tokens[${i}].terminals`);
    faceValue = safeAdd(faceValue, token.amount, 'the sum of token amounts');
    const perRedemption = Math.min(token.amount, caps.perToken);
    const seen = new Set<string>();
    let tokenMax = 0;
    for (const [j, terminal] of token.terminals.entries()) {
      assertString(terminal, `tokens[${i}].terminals[${j}]`);
      if (seen.has(terminal)) continue; // one terminal honours a token once, however often it is listed
      seen.add(terminal);
      const cap = capOf(terminal, `tokens[${i}].terminals[${j}]`);
      eligible.set(
        terminal,
        safeAdd(eligible.get(terminal) ?? 0, perRedemption, `terminal ${terminal}'s total`),
      );
      tokenMax = safeAdd(tokenMax, Math.min(perRedemption, cap), `token ${token.id}'s total`);
    }
    tokenRows.push({ id: token.id, maxPayout: tokenMax });
  }
  let valueAtRisk = 0;
  const terminalRows = [...eligible.entries()].map(([id, total]) => {
    const cap = capOf(id, id);
    const maxPayout = Math.min(cap, total);
    valueAtRisk += maxPayout;
    return { id, maxPayout, capped: total > cap };
  });
  if (!Number.isSafeInteger(valueAtRisk)) throw new RangeError('valueAtRisk exceeds 2^53 - 1 minor units');
  return { valueAtRisk, faceValue, terminals: terminalRows, tokens: tokenRows };
}

function terminalCaps(perTerminal: unknown): (terminal: string, where: string) => number {
  if (typeof perTerminal === 'number') {
    assertInteger(perTerminal, 'caps.perTerminal');
    return () => perTerminal;
  }
  if (typeof perTerminal !== 'object' || perTerminal === null || Array.isArray(perTerminal)) {
    throw new TypeError(
      `caps.perTerminal must be a number or a record of numbers, got ${describe(perTerminal)}`,
    );
  }
  const record = perTerminal as Record<string, unknown>;
  for (const [id, cap] of Object.entries(record)) assertInteger(cap, `caps.perTerminal["${id}"]`);
  return (terminal, where) => {
    if (!Object.hasOwn(record, terminal))
      throw new RangeError(`caps.perTerminal has no cap for ${where} ("${terminal}")`);
    return record[terminal] as number;
  };
}

function safeAdd(a: number, b: number, what: string): number {
  const total = a + b;
  if (!Number.isSafeInteger(total)) throw new RangeError(`${what} exceeds 2^53 - 1 minor units`);
  return total;
}
