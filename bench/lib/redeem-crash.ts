/**
 * The crash test behind bench/scenarios/crash-redeem.ts and the short version
 * in the token package's tests: a till (bench/lib/redeem-crash-child.ts) that
 * verifies, records and redeems vouchers with `openRedeemer` over a file queue
 * and a file spent store is SIGKILLed at random moments and restarted (its
 * recovery runs at each open). After every restart the till lists its outbox
 * and the parent checks that each redemption accepted so far is in it or in
 * the ledger already, and none is there twice. At the end the parent reopens
 * the till once more, drains its outbox into an idempotent ledger, and counts:
 * - lost: a redemption the till accepted that is neither in the outbox nor in
 *   the ledger, or a voucher the spent store has with no record anywhere (spent,
 *   so refused from now on, but never reconciled: the customer's money is gone);
 * - doubled: a token accepted twice, a token with two intents in the outbox or
 *   the ledger, or an intent applied twice;
 * - unspent: a recorded redemption whose token the spent store lacks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeHex } from '@tallystick/core';
import { createIntentQueue } from '@tallystick/queue';
import { openFileStore } from '@tallystick/queue/file';
import { createHttpSender } from '@tallystick/queue/http';
import { createMemoryStore } from '@tallystick/replay/memory';
import { withIdempotency } from '@tallystick/replay/node';
import {
  createIssuer,
  createVerifier,
  generateIssuerKey,
  openRedeemer,
  redemptionIntentId,
} from '@tallystick/token';
import { openFileSpentStore } from '@tallystick/token/spent-file';
import { bundleChild, type Life, launchChild } from './crash-child.js';

export interface RedeemCrashOptions {
  kills: number;
  /** Vouchers the parent issues; the till draws from them at random, so most are presented more than once. */
  vouchers?: number;
  minRunMs?: number;
  maxRunMs?: number;
  log?: (line: string) => void;
}

export interface RedeemCrashResult {
  kills: number;
  cleanOpens: number;
  failures: string[];
  accepted: number;
  inDoubt: number;
  recorded: number;
  applied: number;
  lost: number;
  doubled: number;
  unspent: number;
  wrongIds: number;
  slowestOpenMs: number;
  seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));

interface Ledger {
  server: Server;
  url: string;
  /** Applies by intent id, and the token each intent redeemed. */
  applied: Map<string, { count: number; tokenId: string }>;
}

/** The server side: @tallystick/replay's idempotency in front of a ledger keyed by intent id. */
async function startLedger(): Promise<Ledger> {
  const applied = new Map<string, { count: number; tokenId: string }>();
  const listener = withIdempotency(
    { store: createMemoryStore({ maxEntries: 1_000_000 }), scope: () => 'redeem-crash' },
    async ({ body }) => {
      const intent = body as { id: string; payload: { tokenId: string } };
      const entry = applied.get(intent.id) ?? { count: 0, tokenId: intent.payload.tokenId };
      entry.count++;
      applied.set(intent.id, entry);
      return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    },
  );
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intents`;
  return { server, url, applied };
}

interface Seen {
  /** Acceptances per token id (more than one is a double spend). */
  accepted: Map<string, number>;
  inDoubt: Set<string>;
  failures: string[];
  /** Token ids of the intents the outbox held after the current life's recovery, with their counts. */
  held: Map<string, number>;
  /**
   * The tokens accepted before the current life printed `ready`, taken when that line is read: lines
   * after it in the same chunk are the new life's acceptances, made after its outbox listing.
   */
  acceptedBeforeReady: string[];
}

function launch(script: string, dir: string, url: string, seen: Seen): Life {
  return launchChild(
    script,
    [dir, url],
    (tag, rest, line) => {
      // `ok <tokenId> <intentId>`: the token id is the first word.
      const value = rest.split(' ')[0]!;
      if (tag === 'ok') seen.accepted.set(value, (seen.accepted.get(value) ?? 0) + 1);
      else if (tag === 'doubt') seen.inDoubt.add(value);
      else if (tag === 'held') seen.held.set(value, (seen.held.get(value) ?? 0) + 1);
      else seen.failures.push(line);
    },
    (message) => seen.failures.push(`till: ${message}`),
    () => {
      seen.acceptedBeforeReady = [...seen.accepted.keys()];
    },
  );
}

const randomBelow = (n: number) => Math.floor((crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32) * n);

export async function runRedeemCrashTest(options: RedeemCrashOptions): Promise<RedeemCrashResult> {
  const { kills, vouchers = 2_000, minRunMs = 40, maxRunMs = 600, log = () => {} } = options;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-redeem-crash-'));
  const ledger = await startLedger();
  const key = generateIssuerKey();
  const issuer = createIssuer(key);
  const issued = Array.from({ length: vouchers }, () =>
    issuer.issue({ amount: { amount: 500, currency: 'EUR' }, ttlMs: 24 * 3_600_000 }),
  );
  const issuedAt = new Map(issued.map((t) => [t.token.id, t.token.issuedAt]));
  writeFileSync(
    join(dir, 'setup.json'),
    JSON.stringify({
      key: { kid: issuer.verificationKey.kid, publicKey: encodeHex(issuer.verificationKey.publicKey) },
      vouchers: issued.map((t) => t.qr),
    }),
  );
  const seen: Seen = {
    accepted: new Map(),
    inDoubt: new Set(),
    failures: [],
    held: new Map(),
    acceptedBeforeReady: [],
  };
  /** Checked after every restart: accepted so far but in neither the outbox nor the ledger; held twice. */
  let lostAtRestart = 0;
  let doubledAtRestart = 0;
  const script = await bundleChild(join(here, 'redeem-crash-child.ts'), ['better-sqlite3', 'pg', 'ioredis']);
  let cleanOpens = 0;
  let slowestOpenMs = 0;
  try {
    for (let k = 0; k < kills; k++) {
      seen.held.clear();
      const life = launch(script, dir, ledger.url, seen);
      const openMs = await life.ready;
      if (openMs < 0) break;
      const delivered = new Set([...ledger.applied.values()].map((a) => a.tokenId));
      const early = seen.accepted.size - seen.acceptedBeforeReady.length;
      if (process.env.REDEEM_CRASH_DEBUG && early > 0)
        console.log(`restart ${k}: ${early} accepted after ready`);
      for (const tokenId of seen.acceptedBeforeReady) {
        if (!seen.held.has(tokenId) && !delivered.has(tokenId)) {
          lostAtRestart++;
          if (process.env.REDEEM_CRASH_DEBUG) console.log(`lost at restart ${k}: ${tokenId}`);
        }
      }
      for (const n of seen.held.values()) if (n > 1) doubledAtRestart++;
      cleanOpens++;
      slowestOpenMs = Math.max(slowestOpenMs, openMs);
      await new Promise((r) => setTimeout(r, minRunMs + randomBelow(maxRunMs - minRunMs)));
      life.child.kill('SIGKILL');
      await life.exited;
      if ((k + 1) % 25 === 0) log(`${k + 1} kills, ${seen.accepted.size} redemptions accepted`);
    }
    // The last restart, in this process: recovery, then what the outbox holds, then a full drain.
    const store = await openFileStore({ dir: join(dir, 'queue') });
    const spent = await openFileSpentStore({ path: join(dir, 'spent.log') });
    const far = Date.now() + 3_600_000;
    const outbox = createIntentQueue({
      store,
      device: 'till-1',
      clock: { now: () => far },
      autoDeliver: false,
      send: createHttpSender({ url: ledger.url, concurrency: 8 }),
    });
    const verifier = createVerifier({ keys: [issuer.verificationKey], spent });
    const final = await openRedeemer({ verifier, outbox, device: 'till-1' });
    cleanOpens++;
    for (const r of final.inDoubt) seen.inDoubt.add(r.tokenId);
    const held = new Map<string, string[]>();
    for (let after: number | undefined; ; ) {
      const page = await store.list({ limit: 1000, afterSeq: after, now: far });
      for (const q of page) {
        const tokenId = (q.intent.payload as { tokenId: string }).tokenId;
        held.set(tokenId, [...(held.get(tokenId) ?? []), q.intent.id]);
      }
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    let unspent = 0;
    let wrongIds = 0;
    for (const [tokenId, ids] of held) {
      if (!(await spent.has(tokenId))) unspent++;
      for (const id of ids)
        if (id !== redemptionIntentId('till-1', tokenId, issuedAt.get(tokenId)!)) wrongIds++;
    }
    const inLedgerBefore = new Set([...ledger.applied.values()].map((a) => a.tokenId));
    let lost = 0;
    for (const tokenId of seen.accepted.keys())
      if (!held.has(tokenId) && !inLedgerBefore.has(tokenId)) lost++;
    for (let i = 0; i < 100 && (await outbox.size()) > 0; i++) await outbox.flush();
    await outbox.close();
    const perToken = new Map<string, number>();
    let appliedTwice = 0;
    for (const a of ledger.applied.values()) {
      perToken.set(a.tokenId, (perToken.get(a.tokenId) ?? 0) + 1);
      if (a.count > 1) appliedTwice++;
    }
    for (const tokenId of seen.accepted.keys()) if (!perToken.has(tokenId)) lost++;
    for (const t of issued) if ((await spent.has(t.token.id)) && !perToken.has(t.token.id)) lost++;
    if (process.env.REDEEM_CRASH_DEBUG) console.log(`lost: ${lostAtRestart} at restarts, ${lost} at the end`);
    lost += lostAtRestart;
    const doubled =
      doubledAtRestart +
      [...seen.accepted.values()].filter((n) => n > 1).length +
      [...held.values()].filter((ids) => ids.length > 1).length +
      [...perToken.values()].filter((n) => n > 1).length +
      appliedTwice;
    // Every redemption in the ledger was either accepted or reported in doubt (or its call was cut by a kill).
    const result: RedeemCrashResult = {
      kills,
      cleanOpens,
      failures: seen.failures,
      accepted: seen.accepted.size,
      inDoubt: seen.inDoubt.size,
      recorded: perToken.size,
      applied: ledger.applied.size,
      lost,
      doubled,
      unspent,
      wrongIds,
      slowestOpenMs,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    await store.close();
    await spent.close();
    return result;
  } finally {
    ledger.server.closeAllConnections();
    await new Promise((r) => ledger.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}
