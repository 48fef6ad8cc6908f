/**
 * Hostile values for totality properties: everything a caller (or an attacker
 * feeding a caller) can hand an entry point that is not what its type says.
 * Each arbitrary yields a thunk that builds the value fresh: fast-check
 * itself inspects generated values (for clone methods), which a throwing
 * Proxy would not survive, and a fresh value lets a getter count its reads.
 */
import fc from 'fast-check';

/** Builds one hostile value. */
export type Hostile = () => unknown;

const make = (build: () => unknown): fc.Arbitrary<Hostile> => fc.constant(build);
const wrap = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<Hostile> => a.map((v) => () => v);

/** Throws from every trap: any touch of it, even `typeof`-free ones like `in`, throws. */
export function throwingProxy(target: object = {}): object {
  const boom = () => {
    throw new Error('hostile trap');
  };
  return new Proxy(target, {
    get: boom,
    has: boom,
    getPrototypeOf: boom,
    ownKeys: boom,
    getOwnPropertyDescriptor: boom,
    apply: boom,
    construct: boom,
  });
}

/** A revoked Proxy: `instanceof`, `Array.isArray` and every property read throw TypeError. */
export function revokedProxy(target: object = {}): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** An object whose listed properties throw when read. */
export function throwingGetters(names: readonly string[]): object {
  const o = {};
  for (const name of names) {
    Object.defineProperty(o, name, {
      enumerable: true,
      get() {
        throw new Error(`hostile getter ${name}`);
      },
    });
  }
  return o;
}

/** A Uint8Array whose ArrayBuffer was transferred away: length 0, and most methods throw. */
export function detachedBytes(n = 64): Uint8Array {
  const bytes = new Uint8Array(n);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** Real bytes with own `length`, `subarray`, `slice` and `set` that throw or lie. */
export function lyingBytes(n = 104): Uint8Array {
  const bytes = new Uint8Array(n).fill(1);
  Object.defineProperty(bytes, 'length', { get: () => 64 });
  for (const name of ['subarray', 'slice', 'set', 'at', 'buffer']) {
    Object.defineProperty(bytes, name, {
      get() {
        throw new Error(`hostile ${name}`);
      },
    });
  }
  return bytes;
}

/** A Uint8Array subclass whose inherited methods throw. */
class EvilBytes extends Uint8Array {
  override subarray(): never {
    throw new Error('hostile subclass');
  }
  override slice(): never {
    throw new Error('hostile subclass');
  }
  override set(): never {
    throw new Error('hostile subclass');
  }
  static get [Symbol.species](): never {
    throw new Error('hostile species');
  }
}

/** A DataView dressed as a Uint8Array for `constructor.name` checks. */
function dataViewPosing(): DataView {
  const view = new DataView(new ArrayBuffer(104));
  Object.defineProperty(view, 'constructor', { value: { name: 'Uint8Array' } });
  Object.defineProperty(view, 'length', { value: 104 });
  return view;
}

/** A plain object shaped like a Uint8Array. */
function arrayLike(): object {
  return { length: 104, constructor: Uint8Array, 0: 1, [Symbol.toStringTag]: 'Uint8Array' };
}

/** Hostile byte-ish values: DataViews, other typed arrays, proxies of real bytes, detached bytes. */
export const hostileBytes: fc.Arbitrary<Hostile> = fc.oneof(
  make(() => throwingProxy(new Uint8Array(104))),
  make(() => new Proxy(new Uint8Array(104), {})),
  make(() => revokedProxy(new Uint8Array(104))),
  make(() => detachedBytes()),
  make(() => lyingBytes()),
  make(() => new EvilBytes(104)),
  make(() => dataViewPosing()),
  make(() => arrayLike()),
  make(() => Object.setPrototypeOf(new Uint8Array(104), null)),
  make(() => new ArrayBuffer(104)),
  make(() => new Uint8ClampedArray(104)),
  make(() => new Int8Array(104)),
  make(() => new Uint16Array(52)),
  make(() => new Float64Array(13)),
  make(() => new BigUint64Array(13)),
  make(() => Buffer.alloc(104, 7)),
  make(() => new Uint8Array(new SharedArrayBuffer(104))),
);

/** Hostile times: every value a `now` must be refused for (and -0, which is 0). */
export const hostileNow: fc.Arbitrary<Hostile> = fc.oneof(
  wrap(
    fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      8.64e15 + 1,
      null,
      '1767268800000',
      true,
    ),
  ),
  wrap(fc.bigInt()),
  make(() => ({ valueOf: () => 1_767_268_800_000 })),
  make(() => throwingProxy()),
  wrap(fc.double({ noNaN: false }).filter((d) => !(d >= 0 && d <= 8.64e15))),
);

/** Hostile option objects: throwing traps and getters, and getters that answer differently each read. */
export const hostileOptions: fc.Arbitrary<Hostile> = fc.oneof(
  make(() => throwingProxy()),
  make(() => revokedProxy()),
  make(() => throwingGetters(['now', 'presentation', 'challenge', 'input', 'backend'])),
  make(() => throwingGetters(['now'])),
  make(() => throwingGetters(['challenge'])),
  hostileNow.map((now) => () => ({ now: now() })),
  hostileBytes.map((challenge) => () => ({ challenge: challenge() })),
  hostileBytes.map((presentation) => () => ({ presentation: presentation() })),
  wrap(fc.constantFrom<unknown>('str', 7, true, Symbol('o'), () => ({}))),
);

/** Any hostile value at all: the above, plus fast-check's own `anything` and huge strings and lengths. */
export const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  hostileBytes,
  hostileOptions,
  hostileNow,
  wrap(fc.anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true })),
  make(() => 'TS1:'.padEnd(100_000, 'A')),
  make(() => ({ length: 2 ** 32 - 1 })),
  make(() => new Array(2 ** 32 - 1)),
);

/** True when `r` is a refusal of the documented shape. */
export function isFailure(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const f = r as { ok?: unknown; code?: unknown; message?: unknown };
  return f.ok === false && typeof f.code === 'string' && typeof f.message === 'string';
}

/** True when `r` is a result of the documented shape: `ok: true` with a token, or a refusal. */
export function isResult(r: unknown): boolean {
  if (isFailure(r)) return true;
  return typeof r === 'object' && r !== null && (r as { ok?: unknown }).ok === true && 'token' in r;
}
