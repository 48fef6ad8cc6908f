/**
 * Fuzzes the token decoder and verifier: random and mutated inputs through
 * decodeToken + verify, counting exceptions (must be 0) and mutants that
 * verify although their bytes differ from a genuine token (must be 0).
 *
 * FUZZ_TOKEN_COUNT sets the number of inputs (default 1,000,000; 100,000 with
 * BENCH_QUICK=1); FUZZ_TOKEN_SEED the PRNG seed. The vitest suite runs a
 * 20,000-input pass of the same engine.
 */
import { encodeBase45, encodeBase64url, encodeHex } from '@tallystick/core';
import {
  createIssuer,
  createPresentation,
  createVerifier,
  decodeToken,
  RevocationList,
  type Verifier,
} from '@tallystick/token';
import { printRows, QUICK, writeResult } from '../lib/harness.js';

export interface FuzzStats {
  inputs: number;
  exceptions: number;
  /** Inputs whose bytes differ from every genuine token, yet verified. */
  forgeriesAccepted: number;
  accepted: number;
  codes: Record<string, number>;
  slowestCallMs: number;
  elapsedMs: number;
  firstFailures: string[];
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = Date.UTC(2026, 0, 1, 12);
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const MIXED = `${B45}${B64}abcxyz=\u0000\u00ff\u20ac\ud83d\ude00\ud800`;

function corpus() {
  const clock = { now: () => NOW };
  const secretKey = new Uint8Array(32).fill(0x11);
  const device = new Uint8Array(32).fill(0x22);
  const issuer = createIssuer({ secretKey, clock });
  const devicePublic = createIssuer({ secretKey: device }).publicKey;
  const tokens = [
    issuer.issue({}),
    issuer.issue({ amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7', holderKey: devicePublic }),
    issuer.issue({
      notBefore: NOW + 1000,
      ttlMs: 3_600_000,
      amount: { amount: 1, currency: 'JPY' },
      data: new Uint8Array([1, 2, 3]),
      extensions: [{ tag: 2, value: new Uint8Array(5) }],
    }),
    issuer.issue({ audience: 'group-north', amount: { amount: 2 ** 40, currency: 'KWD' } }),
  ];
  const presented = createPresentation(tokens[1]!.qr, { secretKey: device, now: NOW }).qr;
  const verifier = createVerifier({
    keys: [issuer.verificationKey],
    audience: ['store-7', 'group-north'],
    clock,
    revoked: RevocationList.create({ tokenIds: [tokens[3]!.id] }),
  });
  return { tokens, presented, verifier };
}

/** Runs `count` inputs from `seed`. */
export function fuzzToken(count: number, seed = 1): FuzzStats {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const { tokens, presented, verifier } = corpus();
  const genuine = new Set(tokens.map((t) => encodeHex(t.bytes)));
  const stats: FuzzStats = {
    inputs: 0,
    exceptions: 0,
    forgeriesAccepted: 0,
    accepted: 0,
    codes: {},
    slowestCallMs: 0,
    elapsedMs: 0,
    firstFailures: [],
  };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const input = generate(
      int,
      rnd,
      tokens.map((t) => t.bytes),
      presented,
    );
    stats.inputs++;
    check(verifier, input, stats, genuine, int);
  }
  stats.elapsedMs = Math.round(performance.now() - started);
  return stats;
}

function generate(
  int: (n: number) => number,
  rnd: () => number,
  tokens: Uint8Array[],
  presented: string,
): Uint8Array | string {
  const base = tokens[int(tokens.length)]!;
  const kind = int(12);
  if (kind === 0) return random(int, int(3) === 0 ? int(700) : 80 + int(200));
  if (kind === 1) {
    const prefix = ['', 'TS1:', 'TP1:', 'TS2:', 'TP9:', 'T'][int(6)]!;
    let s = prefix;
    const n = int(4) === 0 ? int(1100) : int(400);
    const alphabet = [B45, B64, MIXED][int(3)]!;
    for (let k = 0; k < n; k++) s += alphabet[int(alphabet.length)];
    return s;
  }
  const bytes = base.slice();
  if (kind <= 4) {
    for (let f = 1 + int(4); f > 0; f--) bytes[int(bytes.length)]! ^= 1 << int(8);
    return bytes;
  }
  if (kind === 5) {
    bytes[int(bytes.length)] = int(256);
    // Structure-aware: re-aim the flags and version so the parser goes deep.
    if (rnd() < 0.5) bytes[1] = int(256);
    if (rnd() < 0.5) bytes[0] = 1;
    return bytes;
  }
  if (kind === 6) {
    const at = int(bytes.length + 1);
    return rnd() < 0.5
      ? new Uint8Array([...bytes.subarray(0, at), int(256), ...bytes.subarray(at)])
      : new Uint8Array([
          ...bytes.subarray(0, at),
          ...bytes.subarray(Math.min(bytes.length, at + 1 + int(4))),
        ]);
  }
  if (kind === 7)
    return rnd() < 0.5
      ? bytes.subarray(0, int(bytes.length))
      : new Uint8Array([...bytes, ...random(int, 1 + int(40))]);
  if (kind === 8) {
    const other = tokens[int(tokens.length)]!;
    return new Uint8Array([...bytes.subarray(0, int(bytes.length)), ...other.subarray(int(other.length))]);
  }
  if (kind === 9 || kind === 10) {
    const text =
      kind === 9 ? (rnd() < 0.5 ? `TS1:${encodeBase45(bytes)}` : encodeBase64url(bytes)) : presented;
    const at = 4 + int(text.length - 4);
    const alphabet = kind === 9 && text[3] !== ':' ? B64 : B45;
    const op = int(3);
    const c = alphabet[int(alphabet.length)]!;
    if (op === 0) return text.slice(0, at) + c + text.slice(at + 1);
    if (op === 1) return text.slice(0, at) + c + text.slice(at);
    return text.slice(0, at) + text.slice(at + 1);
  }
  // A random body behind a genuine header: deep parser paths, then a failing signature.
  const out = random(int, 40 + int(180));
  out.set(base.subarray(0, 26), 0);
  out[1] = int(256) & 0x9f;
  return out;
}

function random(int: (n: number) => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = int(256);
  return out;
}

function check(
  verifier: Verifier,
  input: Uint8Array | string,
  stats: FuzzStats,
  genuine: Set<string>,
  int: (n: number) => number,
) {
  const t0 = performance.now();
  try {
    const decoded = decodeToken(input);
    const options = int(8) === 0 ? { now: NOW, presentation: random(int, 101) } : { now: NOW };
    const result = verifier.verify(input, options);
    const code = result.ok ? 'ok' : result.code;
    stats.codes[code] = (stats.codes[code] ?? 0) + 1;
    if (result.ok) {
      stats.accepted++;
      if (!genuine.has(encodeHex(result.token.bytes)) || !decoded.ok) {
        stats.forgeriesAccepted++;
        if (stats.firstFailures.length < 5) stats.firstFailures.push(`accepted: ${describe(input)}`);
      }
    }
  } catch (error) {
    stats.exceptions++;
    if (stats.firstFailures.length < 5) stats.firstFailures.push(`${String(error)}: ${describe(input)}`);
  }
  const ms = performance.now() - t0;
  if (ms > stats.slowestCallMs) stats.slowestCallMs = ms;
}

function describe(input: Uint8Array | string): string {
  return typeof input === 'string' ? JSON.stringify(input.slice(0, 200)) : encodeHex(input);
}

export async function run(): Promise<void> {
  const count = Number(process.env.FUZZ_TOKEN_COUNT ?? (QUICK ? 100_000 : 1_000_000));
  const seed = Number(process.env.FUZZ_TOKEN_SEED ?? 1);
  const stats = fuzzToken(count, seed);
  printRows(`fuzz-token (seed ${seed})`, [
    {
      inputs: stats.inputs.toLocaleString('en-US'),
      exceptions: stats.exceptions,
      'forgeries accepted': stats.forgeriesAccepted,
      'genuine accepted': stats.accepted,
      seconds: (stats.elapsedMs / 1000).toFixed(1),
      'inputs/s': Math.round(stats.inputs / (stats.elapsedMs / 1000)).toLocaleString('en-US'),
      'slowest call ms': stats.slowestCallMs.toFixed(2),
    },
  ]);
  printRows(
    'verdicts',
    Object.entries(stats.codes).map(([code, n]) => ({ code, count: n })),
  );
  for (const failure of stats.firstFailures) console.log(`- ${failure}`);
  writeResult('fuzz-token', { scenario: 'fuzz-token', date: new Date().toISOString(), seed, ...stats });
  if (stats.exceptions > 0 || stats.forgeriesAccepted > 0) throw new Error('fuzz-token found failures');
}
