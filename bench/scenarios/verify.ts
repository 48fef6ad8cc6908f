/**
 * Ed25519 verification, single-threaded, against every peer on this machine,
 * on a token-sized message (the 120-byte voucher of the token issue), in
 * interleaved rounds. Baseline: raw @noble/ed25519 `verify`. Also reports the
 * cold start (first verify with a new key, in a fresh process and in a warm
 * one), the reject path, what each pure-JS design choice buys, and a second
 * race of the native contenders scored in ops per CPU-second (verify/cpu-race.ts).
 *
 * Single-threaded means one verify in flight at a time for every contender:
 * the async ones (WebCrypto, jose) await each call before the next. Node runs
 * WebCrypto's verify on a libuv pool thread even then, which is why the CPU
 * race charges all threads. Rows marked "in flight" let many calls overlap;
 * they show what the pool adds on this box and are not part of any ratio the
 * issue sets.
 */
import { verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as ed from '@noble/ed25519';
import { jwtVerify } from 'jose';
import sodium from 'libsodium-wrappers';
import * as ours from '../../packages/token/src/crypto/index.js';
import { printRows, QUICK, runThroughput, writeResult } from '../lib/harness.js';
import { type ColdStart, coldStart, printColdStart } from './verify/cold-start.js';
import { printCpuRace, runCpuRace } from './verify/cpu-race.js';
import { designChoices, type Row } from './verify/design-choices.js';
import { BATCH, DEVICE_KEYS, NOW, verifyFixtures } from './verify/fixtures.js';

/**
 * Async contenders await this many verifies per call, one after another (one
 * in flight), so the harness's own per-call promise is amortised as it would
 * be in a loop. The "in flight" rows start this many at once instead.
 */
const ASYNC_N = 32;

export async function run(): Promise<void> {
  const f = await verifyFixtures();
  const {
    key,
    issued,
    message,
    signature,
    badMessage,
    publicKey,
    keyObject,
    cryptoKey,
    jwt,
    joseKey,
    sigAb,
    msgAb,
    sigBuf,
    msgBuf,
    pkBuf,
    nobleKey,
    nativeKey,
    verifiers,
    backlog,
    nativeBacklog,
    tokens,
    devices,
    presented,
    sodiumNative,
  } = f;
  let nextDevice = 0;
  let nextPresented = 0;
  let sink = 0;
  const count = (ok: boolean) => {
    sink += ok ? 1 : 0;
  };
  const report = await runThroughput('verify', {
    contenders: [
      {
        name: '@noble/ed25519 verify (raw)',
        baseline: true,
        fn: () => count(ed.verify(signature, message, publicKey)),
      },
      {
        name: '@noble/curves ed25519.verify',
        fn: () => count(ed25519.verify(signature, message, publicKey)),
      },
      {
        name: 'node:crypto.verify, cached KeyObject',
        fn: () => count(nodeVerify(null, message, keyObject, signature)),
      },
      {
        name: 'WebCrypto Ed25519 (one in flight, awaited)',
        opsPerCall: ASYNC_N,
        fn: async () => {
          for (let i = 0; i < ASYNC_N; i++)
            count(await crypto.subtle.verify('Ed25519', cryptoKey, sigAb, msgAb));
        },
      },
      {
        name: 'jose jwtVerify EdDSA (one in flight, awaited)',
        opsPerCall: ASYNC_N,
        fn: async () => {
          for (let i = 0; i < ASYNC_N; i++) {
            count((await jwtVerify(jwt, joseKey, { currentDate: new Date(NOW) })).payload.amt === 2500);
          }
        },
      },
      {
        name: `WebCrypto Ed25519 (${ASYNC_N} in flight: libuv pool, not single-threaded)`,
        opsPerCall: ASYNC_N,
        fn: async () => {
          const all = Array.from({ length: ASYNC_N }, () =>
            crypto.subtle.verify('Ed25519', cryptoKey, sigAb, msgAb),
          );
          for (const ok of await Promise.all(all)) count(ok);
        },
      },
      {
        name: `jose jwtVerify EdDSA (${ASYNC_N} in flight: libuv pool, not single-threaded)`,
        opsPerCall: ASYNC_N,
        fn: async () => {
          const all = Array.from({ length: ASYNC_N }, () =>
            jwtVerify(jwt, joseKey, { currentDate: new Date(NOW) }),
          );
          for (const r of await Promise.all(all)) count(r.payload.amt === 2500);
        },
      },
      {
        name: 'libsodium-wrappers',
        fn: () => count(sodium.crypto_sign_verify_detached(signature, message, publicKey)),
      },
      {
        name: 'sodium-native',
        fn: () => count(sodiumNative.crypto_sign_verify_detached(sigBuf, msgBuf, pkBuf)),
      },
      {
        name: 'ours verifyPrepared, noble',
        fn: () => count(ours.verifyPrepared(nobleKey, signature, message)),
      },
      {
        name: 'ours verifyPrepared, native',
        fn: () => count(ours.verifyPrepared(nativeKey, signature, message)),
      },
      {
        name: 'ours reject (message bit flipped), noble',
        fn: () => count(ours.verifyPrepared(nobleKey, signature, badMessage)),
      },
      {
        name: 'ours reject (message bit flipped), native',
        fn: () => count(ours.verifyPrepared(nativeKey, signature, badMessage)),
      },
      {
        name: 'ours verifySignature, new key each call, noble',
        fn: () => {
          const d = devices[nextDevice++ % DEVICE_KEYS]!;
          count(ours.verifySignature(d.signature, message, d.publicKey, { backend: 'noble' }));
        },
      },
      {
        name: `ours verifyBatch ${BATCH}, noble keys`,
        opsPerCall: BATCH,
        fn: () => count(ours.verifyBatch(backlog)[0]!),
      },
      {
        name: `ours verifyBatch ${BATCH}, native keys`,
        opsPerCall: BATCH,
        fn: () => count(ours.verifyBatch(nativeBacklog)[0]!),
      },
      { name: 'ours full token verify, noble', fn: () => count(verifiers.noble.verify(issued.bytes).ok) },
      { name: 'ours full token verify, native', fn: () => count(verifiers.native.verify(issued.bytes).ok) },
      {
        name: 'ours full token verify + holder presentation, noble',
        fn: () => count(verifiers.noble.verify(presented[nextPresented++ % DEVICE_KEYS]!).ok),
      },
      {
        name: 'ours full token verify + holder presentation, native',
        fn: () => count(verifiers.native.verify(presented[nextPresented++ % DEVICE_KEYS]!).ok),
      },
      {
        name: `ours token verifier.verifyBatch ${BATCH}, noble`,
        opsPerCall: BATCH,
        fn: () => count(verifiers.noble.verifyBatch(tokens)[0]!.ok),
      },
    ],
    notes: [
      `Message: ${message.length} random bytes, the size of a voucher token. The full-verify rows decode and check a real ${issued.bytes.length}-byte voucher (amount, currency, audience, expiry): signature, expiry, audience, revocation.`,
      `"New key each call" cycles ${DEVICE_KEYS} keys, as a terminal meets a new device key in every holder presentation: no table is built.`,
      `Async contenders await ${ASYNC_N} verifies per call, one at a time (one in flight, as every other row); the "in flight" rows start ${ASYNC_N} at once, so Node's libuv pool can run them on both cores: not single-threaded, shown only for what the pool adds. Batch rows count ${BATCH} verifies per call.`,
      'Reject rows verify a valid signature against a message with one bit flipped: the whole equation runs and fails (on native: OpenSSL, then the pure-JS cofactored re-check).',
      `Holder rows verify a voucher bound to a device plus that device's presentation: two signatures, the second under a key the terminal has never seen (${DEVICE_KEYS} devices cycled).`,
    ],
    extra: { coldStart: coldStart(), designChoices: designChoices(publicKey, key.secretKey, message) },
  });
  printColdStart(report.extra?.coldStart as ColdStart);
  printRows(
    'verify: design choices, pure JS (ops/s median of interleaved rounds; ratio to raw @noble/ed25519 in the same rounds)',
    report.extra?.designChoices as Row[],
  );
  // The native target is a 10 % margin, finer than the round-to-round noise
  // of wall-clock ops/s on a shared machine: a second race of the native
  // contenders, scored in ops per CPU-second (see verify/cpu-race.ts).
  const nativeRace = await runCpuRace(
    [
      {
        name: 'node:crypto.verify, cached KeyObject',
        baseline: true,
        fn: () => count(nodeVerify(null, message, keyObject, signature)),
      },
      {
        name: 'ours verifyPrepared, native',
        fn: () => count(ours.verifyPrepared(nativeKey, signature, message)),
      },
      { name: 'ours full token verify, native', fn: () => count(verifiers.native.verify(issued.bytes).ok) },
      {
        name: 'ours reject (message bit flipped), native',
        fn: () => count(ours.verifyPrepared(nativeKey, signature, badMessage)),
      },
      {
        name: 'WebCrypto Ed25519 (one in flight, awaited)',
        fn: async () => count(await crypto.subtle.verify('Ed25519', cryptoKey, sigAb, msgAb)),
      },
      {
        name: 'jose jwtVerify EdDSA (one in flight, awaited)',
        fn: async () =>
          count((await jwtVerify(jwt, joseKey, { currentDate: new Date(NOW) })).payload.amt === 2500),
      },
      {
        name: 'sodium-native',
        fn: () => count(sodiumNative.crypto_sign_verify_detached(sigBuf, msgBuf, pkBuf)),
      },
    ],
    { slices: QUICK ? 40 : 240, sliceMs: 25 },
  );
  printCpuRace(
    'verify-native: ops per CPU-second, one in flight (baseline: node:crypto.verify, cached KeyObject)',
    nativeRace,
  );
  report.extra = { ...report.extra, nativeCpuRace: nativeRace };
  writeResult('verify', report);
  if (sink === 0) throw new Error('unreachable: keeps the results alive');
}
