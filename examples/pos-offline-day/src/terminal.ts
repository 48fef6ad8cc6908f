/**
 * One market stall's till: it verifies and redeems vouchers with no network,
 * sells within its stock quota, and records every sale and redemption in its
 * own durable file queue until the link returns.
 */
import type { Clock, Money } from '@tallystick/core';
import {
  createIntentQueue,
  createManualOnlineSignal,
  type IntentQueue,
  type SendFunction,
} from '@tallystick/queue';
import { type FileStore, openFileStore } from '@tallystick/queue/file';
import {
  createMemorySpentStore,
  createVerifier,
  type VerificationKey,
  type Verifier,
} from '@tallystick/token';

export interface TerminalOptions {
  id: string;
  dir: string;
  keys: readonly VerificationKey[];
  clock: Clock;
  quotas: Record<string, number>;
  send: SendFunction;
}

export interface Terminal {
  readonly id: string;
  readonly dir: string;
  readonly verifier: Verifier;
  readonly sold: Record<string, number>;
  readonly refusals: Record<string, number>;
  readonly redeemed: number;
  readonly quotas: Record<string, number>;
  queue: IntentQueue;
  /** Sells `quantity` of `sku`; refuses past the quota unless the manager overrides. */
  sell(sku: string, unitPrice: Money, options?: { override?: boolean }): Promise<'sold' | 'quota'>;
  /** Verifies and spends a voucher offline; an accepted one is queued as a redemption intent. */
  redeem(text: string, presentedAt?: number): Promise<{ ok: true } | { ok: false; code: string }>;
  /** Closes the queue, as when the till's process stops. */
  close(): Promise<void>;
  /** Opens the queue again, as when the till restarts. */
  reopen(): Promise<void>;
  goOnline(): void;
}

export async function openTerminal(options: TerminalOptions): Promise<Terminal> {
  const { id, dir, clock } = options;
  const online = createManualOnlineSignal(false);
  const verifier = createVerifier({
    keys: options.keys,
    audience: id,
    terminal: id,
    clock,
    spent: createMemorySpentStore(),
  });
  let store: FileStore | undefined;
  const openQueue = async () =>
    createIntentQueue({
      store: (store = await openFileStore({ dir })),
      send: options.send,
      device: id,
      clock,
      online,
      autoDeliver: false,
      batchSize: 100,
    });
  const sold: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  let redeemed = 0;

  const terminal: Terminal = {
    id,
    dir,
    verifier,
    sold,
    refusals,
    quotas: options.quotas,
    queue: await openQueue(),
    get redeemed() {
      return redeemed;
    },
    async sell(sku, unitPrice, { override = false } = {}) {
      const already = sold[sku] ?? 0;
      if (!override && already >= (options.quotas[sku] ?? 0)) return 'quota';
      await terminal.queue.enqueue({
        type: 'sale',
        payload: { sku, quantity: 1, unitPrice: { ...unitPrice } },
        partitionKey: sku,
      });
      sold[sku] = already + 1;
      return 'sold';
    },
    async redeem(text, presentedAt) {
      const result = await verifier.redeem(text, presentedAt === undefined ? {} : { now: presentedAt });
      if (!result.ok) {
        refusals[result.code] = (refusals[result.code] ?? 0) + 1;
        return { ok: false, code: result.code };
      }
      // The token text (without the presentation) is what the server re-verifies in batch.
      await terminal.queue.enqueue({
        type: 'redemption',
        payload: { token: result.redemption.token },
        partitionKey: result.redemption.tokenId,
      });
      redeemed++;
      return { ok: true };
    },
    async close() {
      // The queue does not own its store: closing the store releases the file lock.
      await terminal.queue.close();
      await store?.close();
    },
    async reopen() {
      terminal.queue = await openQueue();
    },
    goOnline() {
      online.set(true);
    },
  };
  return terminal;
}
