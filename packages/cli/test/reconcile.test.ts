import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc, newIntentId, type Redemption } from '@tallystick/core';
import { createIssuer, encodeKeySet, generateIssuerKey } from '@tallystick/token';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tallystick-cli-reconcile-'));
const t0 = Date.UTC(2026, 10, 21, 17, 0);
let n = 0;
const intent = (device: string, type: string, payload: unknown, minute: number) => ({
  id: newIntentId(),
  type,
  device,
  hlc: encodeHlc({ wall: t0 + minute * 60_000, counter: n++, node: device }),
  createdAt: t0 + minute * 60_000,
  payload,
});

describe('tallystick reconcile', () => {
  const key = generateIssuerKey();
  const issuer = createIssuer({ secretKey: key.secretKey, kid: key.kid, clock: { now: () => t0 } });
  const voucher = issuer.issue({ amount: { amount: 500, currency: 'EUR' }, ttlMs: 3 * 3_600_000 });
  const keysFile = join(dir, 'keys.json');
  writeFileSync(keysFile, encodeKeySet([issuer.verificationKey]));
  const price = { amount: 450, currency: 'EUR' };
  // The record each stall's redeemer (openRedeemer) would queue for the voucher.
  const redemption = (terminal: string, minute: number): Redemption => ({
    tokenId: voucher.id,
    kid: voucher.token.kid,
    redeemedAt: t0 + minute * 60_000,
    issuedAt: voucher.token.issuedAt,
    expiresAt: voucher.token.expiresAt,
    token: voucher.qr,
    amount: 500,
    currency: 'EUR',
    terminal,
  });
  const intents = [
    intent('hq', 'restock', { sku: 'pie', quantity: 1 }, 0),
    intent('stall-a', 'sale', { sku: 'pie', quantity: 1, unitPrice: price }, 10),
    intent('stall-b', 'sale', { sku: 'pie', quantity: 1, unitPrice: price }, 20),
    intent('stall-a', 'token.redeemed', redemption('stall-a', 30), 30),
    intent('stall-b', 'token.redeemed', redemption('stall-b', 40), 40),
  ];

  it('applies a JSON Lines history once, finds the oversell and the double spend, and exits 1 for review', async () => {
    const file = join(dir, 'day.jsonl');
    // Every line twice: duplicates are suppressed, not applied.
    writeFileSync(file, [...intents, ...intents].map((i) => JSON.stringify(i)).join('\n'));
    const result = await cli('reconcile', file, '--keys', keysFile);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/intents applied: 5/);
    expect(result.out).toMatch(/duplicates suppressed: 5/);
    expect(result.out).toMatch(/REVIEW double_spend/);
    expect(result.out).toMatch(/REVIEW oversell/);
  });

  it('gives machine output with --json and reports malformed intents as rejected', async () => {
    const file = join(dir, 'day.json');
    writeFileSync(file, JSON.stringify([intents[0], { ...intents[1], type: 'teleport' }]));
    const result = await cli('reconcile', file, '--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out);
    expect(body.report.intents).toBe(1);
    expect(body.rejected).toHaveLength(1);
  });

  it('says which line is broken', async () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, `${JSON.stringify(intents[0])}\n{oops\n`);
    const result = await cli('reconcile', file);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/line 2 of .* is not valid JSON/);
  });
});
