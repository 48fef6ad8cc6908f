/**
 * `POST /intents`: a batch of intent envelopes, applied once.
 *
 * Two layers make a replay harmless. `@tallystick/replay` answers a request
 * whose Idempotency-Key it has seen with the stored answer, without running
 * anything; the reconciler then applies each intent once by its id, so even
 * the same intents under a new key (a queue that re-batched them) are counted
 * as duplicates and change nothing.
 */
import { isTallystickError, type JsonValue } from '@tallystick/core';
import type { Reconciler } from '@tallystick/reconcile';
import type { NodeIdempotentRequest } from '@tallystick/replay/node';
import { json, problem, type Reply } from './http.js';
import type { Metrics } from './metrics.js';

/** The body forms accepted: `{ "intents": [...] }`, a bare array, or one envelope (what `createHttpSender` posts). */
export function intentsOf(body: JsonValue | undefined): unknown[] | string {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    if (Array.isArray(body.intents)) return body.intents;
    if ('id' in body && 'type' in body) return [body];
  }
  return 'expected {"intents": [envelope, ...]}, an array of envelopes, or one envelope';
}

/** Builds the handler `withIdempotency` protects. */
export function createIntentsHandler(deps: {
  readonly reconciler: Reconciler;
  readonly metrics: Metrics;
  readonly maxBatch: number;
  readonly now: () => number;
  /** Requests whose handler ran, so the caller can tell fresh answers from replayed ones. */
  readonly ran: WeakSet<object>;
}): (request: NodeIdempotentRequest) => Promise<Reply> {
  const { reconciler, metrics, maxBatch } = deps;
  return async (request) => {
    deps.ran.add(request.raw);
    const intents = intentsOf(request.body);
    if (typeof intents === 'string') {
      return problem(400, 'invalid-batch', 'The body is not a batch of intents', intents);
    }
    if (intents.length === 0) {
      return problem(400, 'invalid-batch', 'The batch is empty', 'Send at least one intent.');
    }
    if (intents.length > maxBatch) {
      const detail = `Send at most ${maxBatch} intents per request; this one had ${intents.length}.`;
      return problem(400, 'invalid-batch', 'The batch is too large', detail);
    }
    let result: Awaited<ReturnType<Reconciler['apply']>>;
    try {
      result = await reconciler.apply(intents);
    } catch (error) {
      if (isTallystickError(error, 'ERR_RECONCILE')) {
        // A 503 frees the Idempotency-Key (replay treats 5xx as retryable), and nothing was applied.
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
    metrics.batch(intents, result, deps.now());
    const rejected = result.rejected.map((r) => ({
      index: r.index,
      ...(r.id !== undefined ? { id: r.id } : {}),
      code: r.code,
      reason: r.reason,
    }));
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
        { rejected },
      );
    }
    return json(200, {
      received: result.received,
      accepted: result.accepted,
      duplicates: result.duplicates,
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
  };
}
