import type { VerifyFailure } from './result.js';
import type { Token } from './token.js';

/**
 * The intent type a redemption travels under in the reconciliation queue.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * import { REDEMPTION_INTENT_TYPE } from '@tallystick/token';
 * const redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
 * await redeemer.redeem(issuer.issue({ ttlMs: 60_000 }).qr);
 * (await outbox.peek(1))[0]?.intent.type === REDEMPTION_INTENT_TYPE; // true: 'token.redeemed'
 * ```
 */
export const REDEMPTION_INTENT_TYPE = 'token.redeemed';

/**
 * One redemption, as a plain JSON object ready to be an intent payload
 * (`{ type: REDEMPTION_INTENT_TYPE, partitionKey: tokenId, payload: redemption }`).
 * Terminals that were offline cannot stop a token being redeemed on two of
 * them; the server sees two records with one `tokenId` and flags the second.
 * `token` carries the signed bytes, so the server re-verifies instead of
 * trusting the terminal. Absent fields are omitted (canonical JSON has no
 * `undefined`).
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { createMemorySpentStore, type Redemption } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey], terminal: 'till-1', spent: createMemorySpentStore() });
 * const result = await verifier.redeem(issuer.issue({ amount: { amount: 500, currency: 'EUR' } }).qr);
 * const record: Redemption | undefined = result.ok ? result.redemption : undefined; // amount 500, terminal 'till-1', token …
 * ```
 */
export interface Redemption {
  readonly tokenId: string;
  readonly kid: string;
  /** Minor units, when the token carries a value. */
  readonly amount?: number;
  readonly currency?: string;
  /** The audience the token named. */
  readonly audience?: string;
  /** The terminal that redeemed it (the verifier's `terminal` option). */
  readonly terminal?: string;
  /** The holder binding (hex), when the token was device-bound. */
  readonly holder?: string;
  /** When the terminal redeemed it, epoch ms, by the terminal's clock. */
  readonly redeemedAt: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The token's bytes, base64url. */
  readonly token: string;
}

/**
 * The outcome of `verifier.redeem`: the token and its redemption record, or
 * why not. Never thrown.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { createMemorySpentStore, type RedeemResult } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const { qr } = issuer.issue({ ttlMs: 60_000 });
 * const first: RedeemResult = await verifier.redeem(qr); // ok
 * const second: RedeemResult = await verifier.redeem(qr); // { ok: false, code: 'already_spent', ... }
 * ```
 */
export type RedeemResult =
  | { readonly ok: true; readonly token: Token; readonly redemption: Redemption }
  | VerifyFailure;
