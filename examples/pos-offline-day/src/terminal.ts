/**
 * One market stall's till: it verifies and redeems vouchers with no network,
 * sells within its stock quota, and records every sale and redemption in its
 * own durable file queue until the link returns. A voucher is redeemed with
 * `openRedeemer`: verified, recorded in the queue and marked spent as one
 * crash-safe step, so a till killed mid-redemption neither loses the record
 * nor lets the voucher be taken twice.
 */
import { join } from 'node:path';
import type { Clock, Money } from '@tallystick/core';
import {
  createIntentQueue,
  createManualOnlineSignal,
  type IntentQueue,
  type SendFunction,
} from '@tallystick/queue';
import { type FileStore, openFileStore } from '@tallystick/queue/file';
import {
  createVerifier,
  openRedeemer,
  type Redeemer,
  type VerificationKey,
  type Verifier,
} from '@tallystick/token';
import { type FileSpentStore, openFileSpentStore } from '@tallystick/token/spent-file';

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
  /** Verifies, records and redeems vouchers; reopened (recovery runs) with the queue. */
  redeemer: Redeemer;
  /** Sells `quantity` of `sku`; refuses past the quota unless the manager overrides. */
  sell(sku: string, unitPrice: Money, options?: { override?: boolean }): Promise<'sold' | 'quota'>;
  /** Verifies, records (a `token.redeemed` intent) and spends a voucher offline, in one step. */
  redeem(text: string, presentedAt?: number): Promise<{ ok: true } | { ok: false; code: string }>;
  /** Closes the queue and the spent store, as when the till's process stops. */
  close(): Promise<void>;
  /** Opens them again, as when the till restarts; recovery runs before the first redemption. */
  reopen(): Promise<void>;
  goOnline(): void;
}

export async function openTerminal(options: TerminalOptions): Promise<Terminal> {
  const { id, dir, clock } = options;
  const online = createManualOnlineSignal(false);
  let store: FileStore | undefined;
  let spent: FileSpentStore | undefined;
  let verifier: Verifier | undefined;
  /** The till starting up: queue, spent store, then the redeemer, which recovers before serving. */
  const start = async () => {
    const queue = createIntentQueue({
      store: (store = await openFileStore({ dir })),
      send: options.send,
      device: id,
      clock,
      online,
      autoDeliver: false,
      batchSize: 100,
    });
    spent = await openFileSpentStore({ path: join(dir, 'spent.log') });
    verifier = createVerifier({ keys: options.keys, audience: id, terminal: id, clock, spent });
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: id });
    return { queue, redeemer };
  };
  const started = await start();
  const sold: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  let redeemed = 0;

  const terminal: Terminal = {
    id,
    dir,
    get verifier() {
      return verifier!;
    },
    sold,
    refusals,
    quotas: options.quotas,
    queue: started.queue,
    redeemer: started.redeemer,
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
      // The redemption record carries the token's bytes (not the presentation): the server re-verifies them.
      const result = await terminal.redeemer.redeem(
        text,
        presentedAt === undefined ? {} : { now: presentedAt },
      );
      if (!result.ok) {
        refusals[result.code] = (refusals[result.code] ?? 0) + 1;
        return { ok: false, code: result.code };
      }
      redeemed++;
      return { ok: true };
    },
    async close() {
      // The queue does not own its store: closing the store releases the file lock.
      await terminal.queue.close();
      await store?.close();
      await spent?.close();
    },
    async reopen() {
      const again = await start();
      terminal.queue = again.queue;
      terminal.redeemer = again.redeemer;
    },
    goOnline() {
      online.set(true);
    },
  };
  return terminal;
}
