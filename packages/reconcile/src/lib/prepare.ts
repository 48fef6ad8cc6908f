import type { Clock, JsonValue } from '@tallystick/core';
import { type Intent, isRedemptionType, parseIntent, type RejectionCode } from '../intents.js';
import type { StoredIntent } from '../ledger.js';
import type { RedemptionVerdict, RedemptionVerifier } from '../verifier.js';
import { fingerprintOf } from './fingerprint.js';
import type { TokenFacts } from './fold-groups.js';
import { INTENT, refundsKey, SKU, TOKEN } from './groups.js';

/**
 * An input refused before it reached the ledger: its position in the batch,
 * whatever identity it had, and why.
 *
 * @example
 * ```ts
 * import type { Rejection } from '@tallystick/reconcile';
 * const line = (r: Rejection) => `#${r.index} ${r.id ?? '?'}: ${r.code} ${r.reason}`;
 * ```
 */
export interface Rejection {
  readonly index: number;
  readonly id?: string;
  readonly type?: string;
  readonly device?: string;
  readonly code: RejectionCode;
  readonly reason: string;
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
  batch.forEach((raw, index) => {
    const parsed = parseIntent(raw);
    if (!parsed.ok) {
      out.rejected.push({ index, ...identity(raw), code: parsed.code, reason: parsed.reason });
      return;
    }
    const intent = parsed.intent;
    const wall = Number.parseInt(intent.hlc.slice(0, 12), 16);
    if (wall > horizon) {
      const reason = `stamped ${wall - horizon + maxAheadMs} ms ahead of this reconciler's clock (limit ${maxAheadMs})`;
      out.rejected.push(rejection(index, intent, 'clock_ahead', reason));
      return;
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
  });
  return out;
}

export function rejection(index: number, intent: Intent, code: RejectionCode, reason: string): Rejection {
  return { index, id: intent.id, type: intent.type, device: intent.device, code, reason };
}

function identity(raw: unknown): { id?: string; type?: string; device?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: { id?: string; type?: string; device?: string } = {};
  if (typeof r.id === 'string') out.id = r.id.slice(0, 64);
  if (typeof r.type === 'string') out.type = r.type.slice(0, 64);
  if (typeof r.device === 'string') out.device = r.device.slice(0, 64);
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
      token: (c.intent as Intent<'redemption' | 'token.redeemed'>).payload.token,
      at: Number.parseInt(c.intent.hlc.slice(0, 12), 16),
      device: c.intent.device,
    }));
    const verdicts = await verifier.verifyBatch(checks);
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

function toFacts(intent: Intent, verdict: RedemptionVerdict): TokenFacts {
  if (verdict?.ok === true) {
    const { id, keyId, amount } = verdict.token;
    if (typeof id !== 'string' || id.length === 0)
      throw new TypeError('a verified token must have a string id');
    // A record claiming another token than the one it carries is not trusted.
    const claimed = intent.type === 'token.redeemed' ? intent.payload.tokenId : undefined;
    if (claimed !== undefined && claimed !== id) {
      return {
        ok: false,
        code: 'token_id_mismatch',
        message: `record names token ${claimed}, carries ${id}`,
      };
    }
    return { ok: true, token: { id, keyId: String(keyId), ...(amount ? { amount } : {}) } };
  }
  return { ok: false, code: String(verdict?.code ?? 'invalid'), message: String(verdict?.message ?? '') };
}

function groupsOf(intent: Intent, facts: TokenFacts | undefined): { group: string; group2: string | null } {
  switch (intent.type) {
    case 'redemption':
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
