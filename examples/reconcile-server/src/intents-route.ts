/**
 * `POST /intents`: intent envelopes, applied once, answered per intent.
 *
 * Two layers make a replay harmless. `@tallystick/replay` answers a request
 * whose Idempotency-Key it has seen with the stored answer, without running
 * anything; the reconciler then applies each intent once by its id, so even
 * the same intents under a new key (a queue that re-batched them) are counted
 * as duplicates and change nothing.
 *
 * Statuses follow core's `classifyHttpStatus` table, which the queue's sender
 * and replay share: 400 for a body that is not a batch (nothing applied), 503
 * when the ledger failed (nothing applied, so retrying is right), and once the
 * reconciler has applied anything, a 200 naming each intent's outcome (or 422
 * when every one was rejected), never a 5xx: a retryable answer there would
 * tell the client to send again what has already taken effect.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTallystickError } from '@tallystick/core';
import type { BatchResult, Reconciler } from '@tallystick/reconcile';
import type { IdempotencyStore } from '@tallystick/replay';
import { type NodeIdempotentRequest, withIdempotency } from '@tallystick/replay/node';
import { json, problem, type Reply, send } from './http.js';
import { readIntentsBody } from './intents-body.js';
import type { Metrics } from './metrics.js';
import { deviceOf } from './request-checks.js';

/** One intent's fate: `applied` (now, or already in the ledger) or `rejected` with why. */
export interface IntentOutcome {
  readonly index: number;
  readonly id?: string;
  readonly status: 'applied' | 'rejected';
  readonly code?: string;
  readonly reason?: string;
}

/** What the route needs. */
export interface IntentsDeps {
  readonly reconciler: Reconciler;
  readonly metrics: Metrics;
  readonly maxBatch: number;
  readonly now: () => number;
  /** Requests whose handler ran, so the caller can tell fresh answers from replayed ones. */
  readonly ran: WeakSet<object>;
  /** Where a failure after the batch was applied is reported; default console.error. */
  readonly log?: (message: string, error: unknown) => void;
}

/**
 * The whole route as a request listener: the device header checked, then
 * `withIdempotency` over {@link createIntentsHandler}, with a body that is
 * not a batch refused before the store (so the corrected batch may reuse its key).
 */
export function createIntentsRoute(
  deps: IntentsDeps & {
    readonly store: IdempotencyStore;
    readonly maxBodyBytes: number;
    readonly bodyTimeoutMs?: number;
    readonly maxBodiesInFlight?: number;
  },
): (req: IncomingMessage, res: ServerResponse) => void {
  const protectedRoute = withIdempotency(
    {
      store: deps.store,
      // Keys are unique per device; the queue's keys (intent ids, batch hashes) are unique anyway.
      // A bad device header never gets here; '' would be refused by replay as well.
      scope: (req) => {
        const device = deviceOf(req);
        return device.ok ? device.device : '';
      },
      maxBodyBytes: deps.maxBodyBytes,
      leaseMs: 60_000,
      ...(deps.bodyTimeoutMs ? { bodyTimeoutMs: deps.bodyTimeoutMs } : {}),
      ...(deps.maxBodiesInFlight ? { maxBodiesInFlight: deps.maxBodiesInFlight } : {}),
      validate: (body) => {
        const batch = readIntentsBody(body, deps.maxBatch);
        return batch.ok ? undefined : batch.reply;
      },
    },
    createIntentsHandler(deps),
  );
  return (req, res) => {
    const device = deviceOf(req);
    if (!device.ok) {
      // Drain the body so the answer reaches a client still sending it.
      req.resume();
      return send(res, device.reply);
    }
    protectedRoute(req, res);
  };
}

/** Builds the handler `withIdempotency` protects. */
export function createIntentsHandler(deps: IntentsDeps): (request: NodeIdempotentRequest) => Promise<Reply> {
  const { reconciler, metrics } = deps;
  const log = deps.log ?? ((message, error) => console.error('[reconcile-server]', message, error));
  return async (request) => {
    deps.ran.add(request.raw);
    const body = readIntentsBody(request.body, deps.maxBatch);
    if (!body.ok) return body.reply;
    let result: BatchResult;
    try {
      result = await reconciler.apply(body.intents);
    } catch (error) {
      if (isTallystickError(error, 'ERR_RECONCILE')) {
        // Nothing was applied, so this 503 rightly frees the key and asks for a retry.
        return problem(
          503,
          'ledger-unavailable',
          'The ledger is unavailable',
          'Nothing was applied; retry with the same Idempotency-Key.',
          {},
          { 'retry-after': '1' },
        );
      }
      throw error;
    }
    // From here the batch has taken effect: nothing below may turn it into a retryable answer.
    try {
      metrics.batch(body.intents, result, deps.now());
    } catch (error) {
      log('metrics failed after a batch was applied', error);
    }
    try {
      return answer(result);
    } catch (error) {
      log('building the answer failed after a batch was applied', error);
      return json(200, {
        received: result.received,
        accepted: result.accepted,
        duplicates: result.duplicates,
      });
    }
  };
}

function answer(result: BatchResult): Reply {
  const rejected = result.rejected.map((r) => ({
    index: r.index,
    ...(r.id !== undefined ? { id: r.id } : {}),
    code: r.code,
    reason: r.reason,
  }));
  const outcomes: IntentOutcome[] = Array.from({ length: result.received }, (_, index) => ({
    index,
    status: 'applied',
  }));
  for (const r of rejected) outcomes[r.index] = { ...r, status: 'rejected' };
  if (rejected.length === result.received) {
    // Nothing in the batch can ever be applied: a permanent failure, kept for replays like any answer.
    return problem(
      422,
      'intents-rejected',
      'Every intent in the batch was rejected',
      rejected
        .slice(0, 3)
        .map((r) => `#${r.index} ${r.code}: ${r.reason}`)
        .join('; '),
      { rejected, outcomes },
    );
  }
  return json(200, {
    received: result.received,
    accepted: result.accepted,
    duplicates: result.duplicates,
    outcomes,
    rejected,
    conflicts: result.added.map((v) => ({
      intentId: v.intentId,
      kind: v.kind,
      status: v.status,
      rule: v.rule,
      reason: v.reason,
    })),
    retracted: result.retracted.length,
  });
}
