/** Small response helpers: JSON, RFC 9457 problem details, body reading. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A whole response, as `@tallystick/replay` stores and replays them. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A JSON response. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

/**
 * An `application/problem+json` response (RFC 9457). The `type` URI is
 * `urn:tallystick:problem:<kind>`, the scheme `@tallystick/replay` uses for
 * its own problems, so clients switch on one set of types.
 */
export function problem(
  status: number,
  kind: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Reply {
  const body = { type: `urn:tallystick:problem:${kind}`, title, status, detail, ...extra };
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Writes a reply. */
export function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** Reads a JSON body of at most `limit` bytes: the value, or a problem to answer with. */
export async function readJson(
  req: IncomingMessage,
  limit: number,
): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      return {
        ok: false,
        reply: problem(413, 'body-too-large', 'Request body is too large', `At most ${limit} bytes.`),
      };
    }
    chunks.push(chunk);
  }
  if (size === 0) return { ok: true, value: undefined };
  const coding = req.headers['content-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity' && coding.trim() !== '') {
    // Not decoded here: read as identity, the bytes would mean something the client did not send.
    const detail = 'Send the body without a Content-Encoding.';
    return {
      ok: false,
      reply: problem(415, 'unsupported-media-type', 'Request body must not be content-coded', detail),
    };
  }
  if (!isJson(req.headers['content-type'])) {
    const detail = 'Send the body as application/json.';
    return {
      ok: false,
      reply: problem(415, 'unsupported-media-type', 'Request body must be application/json', detail),
    };
  }
  try {
    // Fatal decoding: bytes that are not UTF-8 are refused, not replaced with U+FFFD.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      reply: problem(400, 'invalid-json', 'Request body is not valid JSON', 'The body must be UTF-8 JSON.'),
    };
  }
}

/** `application/json` or `application/*+json`, parameters ignored. */
function isJson(header: string | undefined): boolean {
  const type = (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
