import type { IntentEnvelope, JsonValue } from '@tallystick/core';
import type { TokenInput } from './lib/input.js';
import { locksOf } from './lib/redeem-locks.js';
import { recoverOutbox } from './lib/redeem-recover.js';
import {
  checkOptions,
  notBoolean,
  outboxFailed,
  readRedeemOptions,
  spentAlready,
  storeFailed,
} from './lib/redeem-results.js';
import { redemptionOf } from './lib/redemption-of.js';
import { REDEMPTION_INTENT_TYPE, type Redemption } from './redemption.js';
import { redemptionIntentId } from './redemption-id.js';
import type { VerifyFailure } from './result.js';
import type { SpentStore } from './spent-store.js';
import type { Token } from './token.js';
import type { Verifier, VerifyOptions } from './verifier-options.js';

/**
 * Where redemptions are recorded for reconciliation: the slice of
 * `IntentQueue` (`@tallystick/queue`) the redeemer uses, so a queue fits as
 * it is and neither package imports the other. Contract:
 * - `enqueue(input, { id })` resolves once the intent is durable; while the
 *   outbox holds an intent with `id` it stores nothing and resolves with the
 *   held one (a different intent under that id rejects).
 * - `list` pages through everything held, every status, in `seq` order
 *   (`afterSeq`: the last `seq` of the previous page).
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * import type { RedemptionOutbox } from '@tallystick/token';
 * const asOutbox: RedemptionOutbox = outbox; // an IntentQueue fits as it is
 * await openRedeemer({ verifier, outbox: asOutbox, device: 'till-1' });
 * ```
 */
export interface RedemptionOutbox {
  enqueue(
    input: { type: string; payload: JsonValue; partitionKey?: string },
    options: { id: string },
  ): Promise<Pick<IntentEnvelope, 'id'>>;
  list(options: {
    limit?: number;
    afterSeq?: number;
  }): Promise<
    readonly { readonly seq: number; readonly intent: Pick<IntentEnvelope, 'id' | 'type' | 'payload'> }[]
  >;
}

/**
 * Options of {@link openRedeemer}.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * import type { RedeemerOptions } from '@tallystick/token';
 * const options: RedeemerOptions = { verifier, outbox, device: 'till-1' };
 * const redeemer = await openRedeemer(options);
 * ```
 */
export interface RedeemerOptions {
  /** Checks tokens; its `spent` store is the one redemptions are recorded in, its clock and skew apply. */
  readonly verifier: Pick<Verifier, 'verify' | 'spent' | 'clock' | 'clockSkewMs'>;
  /** Where each redemption is recorded, once, before the token is marked spent. */
  readonly outbox: RedemptionOutbox;
  /** This terminal's id: recorded as `terminal`, and part of each redemption's intent id. */
  readonly device: string;
}

/**
 * The outcome of {@link Redeemer.redeem}. Never thrown.
 * - `ok`: verified, recorded in the outbox under `intentId`, and marked spent.
 * - a verification failure, or `already_spent`: nothing was recorded.
 * - `store_unavailable` / `outbox_unavailable`: the spent store or the outbox
 *   failed. The redemption may have been recorded; the redeemer recovers
 *   before its next call, and a recorded one comes back in
 *   {@link RecoveryReport.inDoubt} (and is spent) rather than lost.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * import type { RedeemAndRecordResult } from '@tallystick/token';
 * const redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
 * const result: RedeemAndRecordResult = await redeemer.redeem(issuer.issue({ amount: { amount: 500, currency: 'EUR' } }).qr);
 * if (result.ok) result.intentId; // the outbox intent that carries result.redemption
 * ```
 */
export type RedeemAndRecordResult =
  | {
      readonly ok: true;
      readonly token: Token;
      readonly redemption: Redemption;
      readonly intentId: string;
    }
  | VerifyFailure
  | { readonly ok: false; readonly code: 'outbox_unavailable'; readonly message: string };

/**
 * What a recovery found: redemptions that were recorded in the outbox but not
 * yet marked spent (the process stopped in between, or a store failed). Each
 * is now spent. The cashier may not have seen them accepted: show them.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * import type { RecoveryReport } from '@tallystick/token';
 * const redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
 * const report: RecoveryReport = await redeemer.recover(); // recovery runs at open too; run it again after an outage
 * report.inDoubt.map((d) => `check voucher ${d.tokenId}`); // []: nothing was interrupted
 * ```
 */
export interface RecoveryReport {
  readonly inDoubt: readonly Redemption[];
  /** Redemption intents read from the outbox. */
  readonly scanned: number;
}

/**
 * Verifies, records and redeems in one crash-safe step. See {@link openRedeemer}.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer, type Redeemer } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const redeemer: Redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
 * (await redeemer.redeem(issuer.issue({ ttlMs: 60_000 }).qr)).ok; // true
 * ```
 */
export interface Redeemer {
  /** Verifies `input`, records its redemption in the outbox, then marks it spent. Never throws. */
  redeem(input: TokenInput, options?: VerifyOptions): Promise<RedeemAndRecordResult>;
  /**
   * Marks spent every redemption the outbox holds that the spent store lacks, alone (calls wait).
   * @throws whatever the outbox's `list` or the spent store throws; nothing is lost, call again.
   */
  recover(): Promise<RecoveryReport>;
  /** What the recovery at open (and any later one) found, accumulated. */
  readonly inDoubt: readonly Redemption[];
}

/**
 * Opens a redeemer: runs recovery, then serves. `redeem` (1) verifies, (2)
 * refuses a token the spent store has, (3) records the redemption intent in
 * the outbox under {@link redemptionIntentId}(device, token), (4) marks the
 * token spent. A stop after (3) leaves an intent the spent store lacks, which
 * recovery marks spent at the next open; a retry of (3) finds the intent
 * already held. So a kill at any point loses no accepted redemption and
 * records none twice. Open it before the outbox starts delivering (e.g.
 * before `createIntentQueue` with auto-delivery, or with the queue paused):
 * an intent delivered before recovery ran would not be marked spent here.
 *
 * If the spent store is shared with other processes and one of them spends
 * the token between (2) and (4), the call answers `already_spent` and the
 * recorded intent stays; the server sees two redemptions and flags them.
 *
 * @throws {TypeError} if an option is missing or of the wrong type.
 * @throws {RangeError} if `device` is malformed (see {@link redemptionIntentId}).
 * @throws whatever recovery throws (see {@link Redeemer.recover}).
 * @example
 * ```ts
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey, openRedeemer } from '@tallystick/token';
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 *
 * const issuer = createIssuer(generateIssuerKey());
 * // A till opens durable stores: openFileSpentStore, openFileStore.
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const outbox = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })) });
 * const redeemer = await openRedeemer({ verifier, outbox, device: 'till-1' });
 * const result = await redeemer.redeem(issuer.issue({ amount: { amount: 500, currency: 'EUR' } }).qr);
 * if (result.ok) console.log('accepted', result.intentId);
 * ```
 */
export async function openRedeemer(options: RedeemerOptions): Promise<Redeemer> {
  const { verifier, outbox, device } = checkOptions(options);
  // A malformed device throws here, at open, rather than from a redeem that must never throw.
  redemptionIntentId(device, '0'.repeat(32), 0);
  // checkOptions refused a verifier without one; the type cannot know that.
  const spent = verifier.spent as SpentStore;
  // Redeemers sharing a spent store in one process share its locks: otherwise one's recovery could mark a
  // token spent between another's enqueue and check-and-add, which would refuse its own recorded redemption.
  const locks = locksOf(spent);
  const inDoubt: Redemption[] = [];
  let dirty = false;

  const recover = () =>
    locks.exclusive(async () => {
      const report = await recoverOutbox(outbox, spent, verifier.clockSkewMs, verifier.clock.now());
      inDoubt.push(...report.inDoubt);
      dirty = false;
      return report;
    });

  const redeemOnce = async (token: Token, now: number): Promise<RedeemAndRecordResult> => {
    try {
      const seen: unknown = await spent.has(token.id);
      if (typeof seen !== 'boolean') throw notBoolean('has', seen);
      if (seen) return spentAlready();
    } catch (error) {
      return storeFailed('spent store failed, not redeemed', error);
    }
    const redemption = redemptionOf(token, device, now);
    const intentId = redemptionIntentId(device, token.id, token.issuedAt);
    try {
      const held = await outbox.enqueue(
        { type: REDEMPTION_INTENT_TYPE, payload: redemption, partitionKey: token.id },
        { id: intentId },
      );
      // An outbox that ignored `{ id }` would store a fresh copy on every retry: not the contract.
      if (held?.id !== intentId) throw new Error(`outbox stored ${String(held?.id)}, not ${intentId}`);
    } catch (error) {
      // It may have been stored all the same (a failed flush): recovery settles it before the next call.
      dirty = true;
      return outboxFailed('outbox failed, not redeemed', error);
    }
    let won: unknown;
    try {
      won = await spent.checkAndAdd(token.id, token.expiresAt + verifier.clockSkewMs, now);
      if (typeof won !== 'boolean') throw notBoolean('checkAndAdd', won);
    } catch (error) {
      dirty = true;
      return storeFailed('spent store failed after the redemption was recorded; it is in doubt', error);
    }
    if (!won) return spentAlready();
    return { ok: true, token, redemption, intentId };
  };

  await recover();
  return {
    async redeem(input, o) {
      const call = readRedeemOptions(o, verifier.clock);
      if (!call.ok) return call;
      const { now } = call.options;
      let verdict: ReturnType<typeof verifier.verify>;
      try {
        verdict = verifier.verify(input, call.options);
      } catch (error) {
        return { ok: false, code: 'malformed', message: `verifier threw: ${String(error)}` };
      }
      if (!verdict.ok) return verdict;
      const { token } = verdict;
      if (dirty) {
        // A failed call may have left a recorded, unspent redemption: settle it before going on.
        try {
          await recover();
        } catch (error) {
          return outboxFailed('recovery after a failed call failed', error);
        }
      }
      return locks.shared(token.id, () => redeemOnce(token, now));
    },
    recover,
    get inDoubt() {
      return inDoubt.slice();
    },
  };
}
