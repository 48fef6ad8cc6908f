/**
 * The outbox: a durable `@tallystick/queue` on IndexedDB, delivering whole
 * batches to the reconcile server's `POST /intents`.
 *
 * Each batch goes out under an Idempotency-Key derived from its intent ids, so
 * a retry of the same batch (the answer was lost, the tab was closed mid-send)
 * is answered from the server's idempotency store; if the queue re-batches
 * intents differently, the key changes but the server's ledger still applies
 * each intent once, by its id.
 */
import { encodeBase64url } from '@tallystick/core';
import {
  classifyHttpStatus,
  createIntentQueue,
  type IntentQueue,
  type QueuedIntent,
  type SendOutcome,
} from '@tallystick/queue';
import { parseRetryAfter } from '@tallystick/queue/http';
import { openIndexedDbStore } from '@tallystick/queue/indexeddb';

/** Opens the queue for this device. Delivery starts by itself whenever the browser is online. */
export async function openOutbox(device: string): Promise<IntentQueue> {
  const store = await openIndexedDbStore({ name: 'tallystick-pwa-outbox' });
  return createIntentQueue({
    store,
    device,
    send: (batch) => sendBatch(device, batch),
    batchSize: 50,
    // Reconnects are noticed through the online event; backoff only paces a server that is down.
    retry: { baseMs: 1_000, maxMs: 30_000 },
    leaseMs: 30_000,
  });
}

async function sendBatch(device: string, batch: readonly QueuedIntent[]): Promise<SendOutcome[]> {
  const intents = batch.map((q) => q.intent);
  const ids = new TextEncoder().encode(intents.map((i) => i.id).join(','));
  const key = `batch-${encodeBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', ids)))}`;
  const all = (outcome: SendOutcome) => batch.map(() => outcome);
  let response: Response;
  try {
    response = await fetch('/intents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-tallystick-device': device },
      body: JSON.stringify({ intents }),
      signal: AbortSignal.timeout(15_000),
      // A followed redirect turns the POST into a GET whose 200 (a captive portal's page) would
      // read as an ack for intents the server never got.
      redirect: 'manual',
    });
  } catch (error) {
    return all({ status: 'retry', error: `network error: ${(error as Error).message}` });
  }
  // Only our server's JSON answer can ack: a redirect (opaque in browsers) or a 2xx page from
  // something in between is retried, never taken as delivery.
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  if (response.type === 'opaqueredirect' || (response.status >= 200 && response.status < 400 && !isJson)) {
    return all({ status: 'retry', error: `HTTP ${response.status}: not an answer from the intents route` });
  }
  const body = (await response.json().catch(() => ({}))) as {
    rejected?: { index: number; code: string; reason: string }[];
    detail?: string;
  };
  const kind = classifyHttpStatus(response.status);
  if (kind === 'acked') {
    // Per-intent answers: a rejected intent is parked in the dead-letter area, the rest are done.
    const rejected = new Map((body.rejected ?? []).map((r) => [r.index, r]));
    return batch.map((_, i): SendOutcome => {
      const r = rejected.get(i);
      return r ? { status: 'permanent', error: `${r.code}: ${r.reason}` } : { status: 'acked' };
    });
  }
  const error = `HTTP ${response.status}${body.detail ? `: ${body.detail}` : ''}`;
  if (kind === 'permanent') return all({ status: 'permanent', error });
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  return all(
    retryAfterMs === undefined ? { status: 'retry', error } : { status: 'retry', error, retryAfterMs },
  );
}
