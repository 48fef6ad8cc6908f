/**
 * Generated bad requests for an Idempotency-Key protected JSON endpoint: one
 * defect each (a broken key, scope header, content type or body), built on a
 * request that would otherwise succeed. Every one of them can never succeed,
 * so a server must answer 4xx `application/problem+json`, store nothing, and
 * stay up; the fuzz suites of the replay wrappers and the example server all
 * draw from here.
 */
import fc from 'fast-check';
import type { RawRequest, RawResponse } from './raw-http.js';

/** The request a bad one is a neighbour of. */
export interface FuzzBase {
  readonly path: string;
  /** The header the server takes the scope (tenant, device) from, if any. */
  readonly scopeHeader?: string;
  readonly scope?: string;
  /** A body the endpoint accepts. */
  readonly body: string;
  /** The endpoint's body cap; bodies one byte to 1 KiB over it are generated. */
  readonly maxBodyBytes: number;
  /** Further bodies that can never succeed on this endpoint (e.g. a batch holding `null`). */
  readonly badBodies?: readonly string[];
  /** Methods the endpoint does not serve, answered 405 by a router (none for a bare wrapper). */
  readonly wrongMethods?: readonly string[];
}

/** One generated request and what the fuzz expects of its answer. */
export interface BadRequest {
  /** A short name of the defect, for failure messages. */
  readonly defect: string;
  /** The valid key this request was built on (reuse it to check nothing was stored). */
  readonly key: string;
  readonly request: RawRequest;
  /** True when the bytes are not even HTTP (a CR, LF or NUL in a header): Node's parser answers. */
  readonly malformedHttp: boolean;
}

// fast-check repeats small strings often, and a key reused across runs would replay the
// earlier run's answer: a sequence number makes each generated key new to the server.
let sequence = 0;
const KEY = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/).map((k) => `${k}.${(sequence++).toString(36)}`);

type Defect = {
  defect: string;
  key?: string | null | readonly string[];
  scope?: string | null;
  contentType?: string | null;
  body?: Uint8Array | string;
  method?: string;
  malformedHttp?: boolean;
};

function headerDefects(base: FuzzBase): fc.Arbitrary<Defect>[] {
  // Node's parser itself refuses these in a header value (tab and bytes 0x80-0xff pass through).
  const control = fc.constantFrom('\r', '\n', '\0', '\x01', '\x7f');
  const out: fc.Arbitrary<Defect>[] = [
    fc.constant({ defect: 'key missing', key: null }),
    fc.constant({ defect: 'key empty', key: '' }),
    fc.integer({ min: 256, max: 600 }).map((n) => ({ defect: 'key too long', key: 'k'.repeat(n) })),
    fc
      .constantFrom(' ', '\t', '\u00e9', '\u00ff')
      .map((c) => ({ defect: `key holds ${JSON.stringify(c)}`, key: `ab${c}cd` })),
    fc.constant({ defect: 'key quoted string unterminated', key: '"abc' }),
    KEY.map((other) => ({ defect: 'key repeated', key: [other, `${other}x`] })),
    control.map((c) => ({ defect: `key holds ${JSON.stringify(c)}`, key: `ab${c}cd`, malformedHttp: true })),
  ];
  if (base.scopeHeader !== undefined) {
    out.push(
      fc.constant({ defect: 'scope empty', scope: '' }),
      fc.constant({ defect: 'scope blank', scope: '\t' }),
      fc.constant({ defect: 'scope holds a tab', scope: 'till\t1' }),
      fc.integer({ min: 256, max: 1000 }).map((n) => ({ defect: 'scope too long', scope: 't'.repeat(n) })),
      control.map((c) => ({
        defect: `scope holds ${JSON.stringify(c)}`,
        scope: `till${c}1`,
        malformedHttp: true,
      })),
    );
  }
  return out;
}

function bodyDefects(base: FuzzBase): fc.Arbitrary<Defect>[] {
  const depthCap = Math.max(70, Math.min(40_000, Math.floor(base.maxBodyBytes / 2) - 4));
  return [
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/jsonx',
      )
      .map((contentType) => ({ defect: `content-type ${contentType}`, contentType })),
    fc.constant({ defect: 'content-type missing', contentType: null }),
    fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((s) => !parses(s) && s.trim() !== '')
      .map((body) => ({ defect: 'body not JSON', body })),
    fc
      .integer({ min: 1, max: Math.max(1, base.body.length - 1) })
      .map((cut) => ({ defect: 'body truncated', body: base.body.slice(0, cut) })),
    fc.uint8Array({ minLength: 0, maxLength: 8 }).map((noise) => ({
      defect: 'body not UTF-8',
      body: Buffer.concat([Buffer.from('{"a":"'), noise, Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    })),
    fc.constant({ defect: 'body holds a lone surrogate', body: '{"a":"\\ud800"}' }),
    fc.integer({ min: 1, max: 1024 }).map((extra) => ({
      defect: 'body too large',
      body: `{"pad":"${'x'.repeat(base.maxBodyBytes + extra)}"}`,
    })),
    fc
      .tuple(fc.integer({ min: 65, max: depthCap }), fc.boolean())
      .map(([depth, arrays]) => ({
        defect: `body nested ${depth} deep`,
        body: arrays
          ? '['.repeat(depth) + ']'.repeat(depth)
          : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      }))
      .filter((d) => (d.body as string).length <= base.maxBodyBytes),
    ...(base.badBodies ?? []).map((body) => fc.constant({ defect: `body ${body.slice(0, 60)}`, body })),
    ...(base.wrongMethods ?? []).map((method) => fc.constant({ defect: `method ${method}`, method })),
  ];
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Requests with exactly one defect each, over `base`. Well-formed ones
 * (`malformedHttp: false`) must get a 4xx problem+json from the endpoint.
 */
export function badRequests(base: FuzzBase): fc.Arbitrary<BadRequest> {
  return fc.tuple(KEY, fc.oneof(...headerDefects(base), ...bodyDefects(base))).map(([key, d]) => ({
    defect: d.defect,
    key,
    request: build(base, key, d),
    malformedHttp: d.malformedHttp ?? false,
  }));
}

/** The request `base` describes, with `key`: what a good client sends. */
export function goodRequest(base: FuzzBase, key: string): RawRequest {
  return build(base, key, { defect: 'none' });
}

function build(base: FuzzBase, key: string, d: Defect): RawRequest {
  const headers: [string, string][] = [];
  const contentType = d.contentType === undefined ? 'application/json' : d.contentType;
  if (contentType !== null) headers.push(['Content-Type', contentType]);
  const keys =
    d.key === undefined ? [key] : d.key === null ? [] : typeof d.key === 'string' ? [d.key] : d.key;
  for (const k of keys) headers.push(['Idempotency-Key', k]);
  if (base.scopeHeader !== undefined) {
    const scope = d.scope === undefined ? base.scope : d.scope;
    if (scope !== undefined && scope !== null) headers.push([base.scopeHeader, scope]);
  }
  const body = d.body ?? base.body;
  return {
    method: d.method ?? 'POST',
    path: base.path,
    headers,
    body: typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body,
  };
}

/**
 * Checks an answer is a 4xx RFC 9457 problem whose body agrees with the
 * status line, and returns a reason when it is not (undefined when it is).
 */
export function problemViolation(response: RawResponse): string | undefined {
  if (response.status < 400 || response.status > 499) return `status ${response.status}, want 4xx`;
  const type = response.headers['content-type'] ?? '';
  if (!type.startsWith('application/problem+json')) return `content-type ${type}`;
  let body: { type?: unknown; status?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    return `body is not JSON: ${response.body.slice(0, 80)}`;
  }
  if (body.status !== response.status) return `body status ${String(body.status)} != ${response.status}`;
  if (typeof body.type !== 'string' || !body.type.startsWith('urn:tallystick:problem:'))
    return `problem type ${String(body.type)}`;
  return undefined;
}
