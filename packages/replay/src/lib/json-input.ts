/**
 * Turning a request body into JSON, or into the 4xx problem that says why it
 * never will be: the Node wrapper and the Hono middleware answer every bad
 * body here, before the idempotency store or the handler sees anything.
 */
import { type JsonValue, MAX_CANONICAL_JSON_DEPTH } from '@tallystick/core';
import { problemResponse } from '../problem.js';
import type { StoredResponse } from '../store.js';

/**
 * Deepest body accepted: canonical JSON's bound less the one level the
 * request fingerprint wraps the body in (`{ method, path, body }`).
 */
export const MAX_BODY_DEPTH = MAX_CANONICAL_JSON_DEPTH - 1;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export type JsonInput = { ok: true; value: JsonValue | undefined } | { ok: false; response: StoredResponse };

/**
 * `application/json` or any `application/*+json`, parameters ignored. A
 * missing header fails: a client that sends a body names what it is.
 */
export function isJsonMediaType(header: string | null | undefined): boolean {
  if (typeof header !== 'string') return false;
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * True for a `Content-Encoding` that leaves the bytes as they are: absent,
 * empty or `identity` (any case). Anything else (gzip, br, a list) is a
 * coding the wrappers do not decode, and reading it as identity would parse
 * bytes the client meant as something else.
 */
export function isIdentityCoding(header: string | null | undefined): boolean {
  if (typeof header !== 'string') return true;
  const coding = header.trim().toLowerCase();
  return coding === '' || coding === 'identity';
}

/**
 * Checks and parses a protected request's body. `contentType` undefined
 * means the integration did not pass the header (not checked); null means
 * the request had none. `contentEncoding` likewise (415 unless identity).
 */
export function readJsonInput(
  body: Uint8Array | 'too_large',
  contentType: string | null | undefined,
  maxBodyBytes: number,
  contentEncoding?: string | null,
): JsonInput {
  if (body === 'too_large') {
    return refuse(
      problemResponse('body-too-large', `The body must be at most ${maxBodyBytes} bytes.`, {
        connection: 'close',
      }),
    );
  }
  if (body.length === 0) return { ok: true, value: undefined };
  if (!isIdentityCoding(contentEncoding)) {
    const sent = JSON.stringify(String(contentEncoding).slice(0, 40));
    return refuse(
      problemResponse(
        'unsupported-media-type',
        `Send the body without a content coding (Content-Encoding was ${sent}).`,
      ),
    );
  }
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    const sent = contentType === null ? 'none' : JSON.stringify(contentType.slice(0, 80));
    return refuse(
      problemResponse(
        'unsupported-media-type',
        `Send the body as application/json (Content-Type was ${sent}).`,
      ),
    );
  }
  const depth = nestingDepth(body);
  if (depth > MAX_BODY_DEPTH) {
    return refuse(
      problemResponse('invalid-json', `The body must nest at most ${MAX_BODY_DEPTH} levels deep.`),
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return refuse(
      problemResponse('invalid-json', 'The body must be UTF-8 JSON; it holds bytes that are not UTF-8.'),
    );
  }
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return refuse(problemResponse('invalid-json', 'The body must be UTF-8 JSON.'));
  }
}

function refuse(response: StoredResponse): JsonInput {
  return { ok: false, response };
}

/**
 * The deepest bracket nesting in JSON text, brackets inside strings ignored:
 * one pass over the bytes, no recursion and no parse, so a body of a
 * million `[` costs a loop and not the stack. Stops early past the bound.
 */
export function nestingDepth(bytes: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) {
        max = depth;
        if (max > MAX_BODY_DEPTH) return max;
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return max;
}
