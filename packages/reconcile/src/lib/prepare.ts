import { type Clock, isCurrencyCode, type JsonValue, type Money, TallystickError } from '@tallystick/core';
import { type Intent, isRedemptionType, parseIntent, type RejectionCode } from '../intents.js';
import type { StoredIntent } from '../ledger.js';
import type { RedemptionVerdict, RedemptionVerifier } from '../verifier.js';
import { fingerprintOf } from './fingerprint.js';
import type { TokenFacts } from './fold-groups.js';
import { INTENT, refundsKey, SKU, TOKEN } from './groups.js';
import { isStorableText, storableText } from './storable.js';

/**
 * An input refused before it reached the ledger: its position in the batch,
 * whatever identity it had, and why.
 *
 * @example
 * ```ts
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { Rejection } from '@tallystick/reconcile';
 * const { rejected } = await reconciler.apply([{ ...sold[0], id: 'not-an-id' }]);
 * const lines = rejected.map((r: Rejection) => `#${r.index} ${r.id ?? '?'}: ${r.code} ${r.reason}`); // ['#0 not-an-id: malformed id: …']
 * ```
 */
export interface Rejection {
  readonly index: number;
  readonly id?: string;
  readonly type?: string;
  readonly device?: string;
  readonly code: RejectionCode;
  readonly reason: string;
  /**
   * Whether the same input might be accepted later: true only for
   * `clock_ahead`. Every other rejection is final for these bytes, so a queue
   * should dead-letter the intent and an HTTP layer may answer 4xx.
   */
  readonly retryable: boolean;
}

export interface Candidate {
  readonly index: number;
  readonly intent: Intent;
  readonly fingerprint: string;
}

export interface Screened {
  candidates: Candidate[];
  rejected: Rejection[];
  duplicates: number;
}

/** Validates a batch and drops in-batch replays. Never throws on bad input. */
export function screen(batch: readonly unknown[], clock: Clock, maxAheadMs: number): Screened {
  const out: Screened = { candidates: [], rejected: [], duplicates: 0 };
  const byId = new Map<string, Candidate>();
  const horizon = clock.now() + maxAheadMs;
  // A plain loop: a sparse array's holes are inputs too (undefined), and forEach would skip them.
  for (let index = 0; index < batch.length; index++) {
    const raw = batch[index];
    const parsed = parseIntent(raw);
    if (!parsed.ok) {
      const reason = parsed.reason;
      out.rejected.push({ index, ...identity(raw), code: parsed.code, reason, retryable: false });
      continue;
    }
    const intent = parsed.intent;
    const wall = Number.parseInt(intent.hlc.slice(0, 12), 16);
    if (wall > horizon) {
      const reason = `stamped ${wall - horizon + maxAheadMs} ms ahead of this reconciler's clock (limit ${maxAheadMs})`;
      out.rejected.push(rejection(index, intent, 'clock_ahead', reason));
      continue;
    }
    const candidate = { index, intent, fingerprint: fingerprintOf(intent) };
    const seen = byId.get(intent.id);
    if (!seen) {
      byId.set(intent.id, candidate);
      out.candidates.push(candidate);
    } else if (seen.fingerprint === candidate.fingerprint) {
      out.duplicates++;
    } else {
      out.rejected.push(
        rejection(index, intent, 'id_reused', `id ${intent.id} already used for other content`),
      );
    }
  }
  return out;
}

export function rejection(index: number, intent: Intent, code: RejectionCode, reason: string): Rejection {
  const retryable = code === 'clock_ahead';
  return { index, id: intent.id, type: intent.type, device: intent.device, code, reason, retryable };
}

/** Whatever identity a refused input shows, as storable text (it may be echoed into logs and JSON). */
function identity(raw: unknown): { id?: string; type?: string; device?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const out: { id?: string; type?: string; device?: string } = {};
  try {
    const r = raw as Record<string, unknown>;
    if (typeof r.id === 'string') out.id = storableText(r.id, 64);
    if (typeof r.type === 'string') out.type = storableText(r.type, 64);
    if (typeof r.device === 'string') out.device = storableText(r.device, 64);
  } catch {
    // A hostile getter: the rejection goes out without an identity.
  }
  return out;
}

/**
 * Verifies the redemptions among `fresh` in one batch call and files every
 * intent under its group. Redemptions without a verifier are refused.
 */
export async function toStored(
  fresh: readonly Candidate[],
  verifier: RedemptionVerifier | undefined,
  rejected: Rejection[],
): Promise<StoredIntent[]> {
  const redemptions = fresh.filter((c) => isRedemptionType(c.intent.type));
  const facts = new Map<string, TokenFacts>();
  if (redemptions.length > 0 && verifier) {
    const checks = redemptions.map((c) => ({
      token: (c.intent as Intent<'token.redeemed'>).payload.token,
      at: Number.parseInt(c.intent.hlc.slice(0, 12), 16),
      device: c.intent.device,
    }));
    let verdicts: readonly RedemptionVerdict[];
    try {
      verdicts = await verifier.verifyBatch(checks);
    } catch (error) {
      // An outage (fetch itself throws TypeError), not a broken contract: nothing applied, retry.
      const message = error instanceof Error ? error.message : String(error);
      throw new TallystickError(
        'ERR_RECONCILE',
        `batch not applied (safe to retry): verifier failed: ${message}`,
        {
          cause: error,
        },
      );
    }
    if (!Array.isArray(verdicts) || verdicts.length !== checks.length) {
      throw new TypeError(`verifier.verifyBatch must return ${checks.length} verdicts in order`);
    }
    for (const [i, c] of redemptions.entries()) {
      facts.set(c.intent.id, toFacts(c.intent, verdicts[i] as RedemptionVerdict));
    }
  }
  const out: StoredIntent[] = [];
  for (const { index, intent, fingerprint } of fresh) {
    let fact: TokenFacts | undefined;
    if (isRedemptionType(intent.type)) {
      fact = facts.get(intent.id);
      if (!fact) {
        rejected.push(
          rejection(index, intent, 'no_verifier', 'a redemption needs a verifier to be reconciled'),
        );
        continue;
      }
    }
    const { group, group2 } = groupsOf(intent, fact);
    out.push({
      id: intent.id,
      type: intent.type,
      device: intent.device,
      hlc: intent.hlc,
      group,
      group2,
      fingerprint,
      payload: intent.payload as JsonValue,
      facts: (fact ?? null) as JsonValue,
    });
  }
  return out;
}

// A token id becomes a group key: Postgres indexes it, and an index entry has a size limit.
const MAX_TOKEN_ID = 256;

/**
 * What a verdict establishes, made storable: the verifier is outside code, and
 * its text lands in jsonb and its token id in an indexed key, where a NUL, a
 * lone surrogate or a huge id would fail the batch on every retry.
 */
function toFacts(intent: Intent, verdict: RedemptionVerdict): TokenFacts {
  if (verdict?.ok === true) {
    const { id, keyId, amount } = verdict.token;
    if (typeof id !== 'string' || id.length === 0)
      throw new TypeError('a verified token must have a string id');
    if (id.length > MAX_TOKEN_ID || !isStorableText(id)) {
      const message = `token id is not up to ${MAX_TOKEN_ID} characters of storable text`;
      return { ok: false, code: 'invalid_token_id', message };
    }
    // A record claiming another token than the one it carries is not trusted.
    const claimed = intent.type === 'token.redeemed' ? intent.payload.tokenId : undefined;
    if (claimed !== undefined && claimed !== id) {
      return {
        ok: false,
        code: 'token_id_mismatch',
        message: `record names token ${claimed}, carries ${id}`,
      };
    }
    const value = isSafeMoney(amount) ? { amount: { amount: amount.amount, currency: amount.currency } } : {};
    return { ok: true, token: { id, keyId: storableText(String(keyId), 64), ...value } };
  }
  return {
    ok: false,
    code: storableText(String(verdict?.code ?? 'invalid'), 64),
    message: storableText(String(verdict?.message ?? ''), 300),
  };
}

function isSafeMoney(value: unknown): value is Money {
  const m = value as Money | undefined;
  return typeof m === 'object' && m !== null && Number.isSafeInteger(m.amount) && isCurrencyCode(m.currency);
}

function groupsOf(intent: Intent, facts: TokenFacts | undefined): { group: string; group2: string | null } {
  switch (intent.type) {
    case 'token.redeemed':
      return { group: facts?.ok ? `${TOKEN}${facts.token.id}` : `${INTENT}${intent.id}`, group2: null };
    case 'refund':
      return {
        group: `${SKU}${intent.payload.sku}`,
        group2: refundsKey(intent.payload.saleId, intent.payload.sku),
      };
    default:
      return { group: `${SKU}${intent.payload.sku}`, group2: null };
  }
}
