/**
 * openRedeemer against hostile callers and misbehaving collaborators: options
 * and clocks that throw, spent stores and outboxes whose answers are not the
 * ones the contract promises, and two redeemers sharing one spent store in one
 * process. `redeem` must never throw or reject, must never answer `ok` unless
 * the redemption was recorded and marked spent, and must never answer
 * `already_spent` for a redemption it recorded itself.
 */
import { describe, expect, it } from 'vitest';
import {
  createIssuer,
  createMemorySpentStore,
  createVerifier,
  openRedeemer,
  type RedemptionOutbox,
  redemptionIntentId,
  type SpentStore,
} from '../src/index.js';
import { ISSUER_KEY, NOW } from './fixtures.js';
import { DEVICE, world } from './support/redeem-world.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('redeem never throws on hostile options', () => {
  const throwing = () => {
    throw new Error('trap');
  };
  const hostile: [string, () => unknown][] = [
    ['a Proxy whose get trap throws', () => new Proxy({}, { get: throwing })],
    ['a revoked Proxy', revoked],
    ['a getter on now that throws', () => Object.defineProperty({}, 'now', { get: throwing })],
    [
      'a getter on presentation that throws',
      () => Object.defineProperty({}, 'presentation', { get: throwing, enumerable: true }),
    ],
    ['a number', () => 7],
    ['null', () => null],
  ];
  for (const [name, make] of hostile) {
    it(`${name}: malformed, nothing recorded or spent`, async () => {
      const { verifier, voucher, queue, spent } = world();
      const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
      const { qr, token } = voucher();
      const result = await redeemer
        .redeem(qr, make() as never)
        .catch((error: unknown) => ({ rejected: String(error) }));
      expect(result).toMatchObject({ ok: false, code: 'malformed' });
      expect(await queue.size()).toBe(0);
      expect(await spent.has(token.id)).toBe(false);
    });
  }

  it('a Proxy whose ownKeys trap throws: read field by field as verify does, so accepted, not a rejection', async () => {
    const { verifier, voucher, queue } = world();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const options = new Proxy({}, { ownKeys: throwing });
    const { qr } = voucher();
    expect(verifier.verify(qr, options).ok).toBe(true);
    const result = await redeemer
      .redeem(qr, options)
      .catch((error: unknown) => ({ rejected: String(error) }));
    expect(result).toMatchObject({ ok: true });
    expect(await queue.size()).toBe(1);
  });

  it('a clock that throws: malformed, not a rejection', async () => {
    let broken = false;
    const clock = {
      now: () => {
        // The clock breaks only after open, as an RTC failing mid-shift would.
        if (broken) throw new Error('RTC gone');
        return NOW;
      },
    };
    const issuer = createIssuer({ secretKey: ISSUER_KEY.secretKey, kid: ISSUER_KEY.kid, clock });
    const verifier = createVerifier({
      keys: [issuer.verificationKey],
      clock,
      spent: createMemorySpentStore(),
    });
    const { queue } = world();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const { qr } = issuer.issue({ amount: { amount: 500, currency: 'EUR' } });
    broken = true;
    const result = await redeemer.redeem(qr).catch((error: unknown) => ({ rejected: String(error) }));
    expect(result).toMatchObject({ ok: false, code: 'malformed' });
    expect(await queue.size()).toBe(0);
  });
});

describe('redeem trusts only the answers the contracts promise', () => {
  // Anything but a boolean: `1` or `'false'` is not proof that the mark was written or found.
  const answers: unknown[] = [undefined, null, 1, 0, 'true', 'false', {}, Number.NaN];

  for (const answer of answers) {
    it(`a spent store whose checkAndAdd answers ${String(answer)}: store_unavailable, then recovered`, async () => {
      const inner = createMemorySpentStore();
      let odd = true;
      const spent: SpentStore = {
        ...inner,
        has: (id) => inner.has(id),
        checkAndAdd: async (id, keep, now) => (odd ? (answer as boolean) : inner.checkAndAdd(id, keep, now)),
      };
      const { verifier, voucher, queue } = world(spent);
      const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
      const { qr, token } = voucher();
      expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
      odd = false;
      // Recorded, so the next call recovers it: spent and in doubt, never accepted twice.
      expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'already_spent' });
      expect(redeemer.inDoubt.map((r) => r.tokenId)).toEqual([token.id]);
      expect(await queue.size()).toBe(1);
    });

    it(`a spent store whose has answers ${String(answer)}: store_unavailable, nothing recorded`, async () => {
      const inner = createMemorySpentStore();
      const spent: SpentStore = { ...inner, has: async () => answer as boolean };
      const { verifier, voucher, queue } = world(spent);
      const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
      const { qr } = voucher();
      expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
      expect(await queue.size()).toBe(0);
    });
  }

  it('recovery refuses a non-boolean has answer rather than skipping a recorded redemption', async () => {
    const inner = createMemorySpentStore();
    let hasAnswer: unknown = false;
    const spent: SpentStore = {
      ...inner,
      has: async (id) => (hasAnswer === false ? inner.has(id) : (hasAnswer as boolean)),
      checkAndAdd: async (id, keep, now) => {
        throw new Error(`EIO ${id} ${keep} ${now}`);
      },
    };
    const { verifier, voucher, queue } = world(spent);
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const { qr, token } = voucher();
    expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
    hasAnswer = 'no';
    await expect(redeemer.recover()).rejects.toThrow(/spent store/);
    expect(await inner.has(token.id)).toBe(false);
  });

  it('an outbox that resolves with another id than the one asked for: outbox_unavailable, not ok', async () => {
    const { verifier, voucher, queue } = world();
    const outbox: RedemptionOutbox = {
      list: (o) => queue.list(o),
      // An outbox that ignores { id } (an older queue) stores a fresh intent on every retry.
      enqueue: (input) => queue.enqueue(input),
    };
    const redeemer = await openRedeemer({ verifier, outbox, device: DEVICE });
    const { qr, token } = voucher();
    expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'outbox_unavailable' });
    expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(redeemer.inDoubt.map((r) => r.tokenId)).toEqual([token.id]);
    expect(await queue.size()).toBe(1);
  });
});

describe('two redeemers on one spent store in one process', () => {
  it("one redeemer's recovery never turns the other's recorded redemption into already_spent", async () => {
    const { verifier, voucher, queue } = world();
    let hold: (() => void) | undefined;
    let held: Promise<void> | undefined;
    const outbox: RedemptionOutbox = {
      list: (o) => queue.list(o),
      async enqueue(input, o) {
        const stored = await queue.enqueue(input, o);
        if (held) await held;
        return stored;
      },
    };
    const a = await openRedeemer({ verifier, outbox, device: DEVICE });
    const b = await openRedeemer({ verifier, outbox, device: DEVICE });
    const { qr } = voucher();
    held = new Promise((resolve) => {
      hold = resolve;
    });
    const first = a.redeem(qr);
    // a has recorded the intent and waits before marking the token spent; b recovers meanwhile.
    while ((await queue.size()) === 0) await new Promise((r) => setTimeout(r, 1));
    const recovery = b.recover();
    await new Promise((r) => setTimeout(r, 5));
    held = undefined;
    hold!();
    await recovery;
    expect(await first).toMatchObject({ ok: true });
    expect(await b.redeem(qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(await queue.size()).toBe(1);
  });

  it('two redeemers racing one token: exactly one ok, one intent', async () => {
    const { verifier, voucher, queue } = world();
    const a = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const b = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const { qr } = voucher();
    const results = await Promise.all([a.redeem(qr), b.redeem(qr), a.redeem(qr), b.redeem(qr)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual([
      'already_spent',
      'already_spent',
      'already_spent',
    ]);
    expect(await queue.size()).toBe(1);
  });
});

describe('redemptionIntentId: devices that would encode alike', () => {
  const tokenId = '00112233445566778899aabbccddeeff';
  it('refuses a device with a lone surrogate (UTF-8 turns each into U+FFFD, so two tills would share ids)', async () => {
    // Before: 'till-\uD800' and 'till-\uDC00' both hashed as 'till-\uFFFD', one id for two terminals.
    for (const device of ['till-\uD800', 'till-\uDC00', '\uDFFFx', 'a\uD83D']) {
      expect(() => redemptionIntentId(device, tokenId, NOW)).toThrow(RangeError);
      const { verifier, queue } = world();
      await expect(openRedeemer({ verifier, outbox: queue, device })).rejects.toThrow(RangeError);
    }
    // A well-formed pair is one code point, and fine.
    expect(redemptionIntentId('till-\uD83D\uDE00', tokenId, NOW)).not.toBe(
      redemptionIntentId('till-\uFFFD', tokenId, NOW),
    );
  });
});
