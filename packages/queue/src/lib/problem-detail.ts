/**
 * Why a server refused an intent, read from its error body, so that a
 * dead-lettered intent says more than `HTTP 422`. RFC 9457 problem details
 * (`application/problem+json`) and plain JSON objects with the same members
 * are read; any other body is ignored. The read is bounded: a server (or a
 * proxy's HTML error page) cannot make the sender buffer more than
 * {@link MAX_ERROR_BODY_BYTES}, and the text kept is cut and stripped of
 * control characters before it lands in the queue's store.
 */

/** The most bytes of an error body the sender reads. */
export const MAX_ERROR_BODY_BYTES = 4096;
/** The most characters of each member kept. */
const MAX_MEMBER = 300;

/**
 * `HTTP <status>`, followed by what the problem says when the body is one:
 * `HTTP 422 intents-rejected: Every intent in the batch was rejected (#0 invalid_payload: ...)`.
 * Never throws; a body that cannot be read or parsed gives the bare status.
 */
export async function describeErrorResponse(response: Response): Promise<string> {
  const bare = `HTTP ${response.status}`;
  let text: string | undefined;
  try {
    text = isJson(response.headers.get('content-type')) ? await readBounded(response) : undefined;
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    await discard(response);
    return bare;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return bare;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bare;
  const b = body as Record<string, unknown>;
  const kind = member(b.type)?.replace(/^.*[:/#]/, '');
  const title = member(b.title);
  const detail = member(b.detail);
  const status =
    typeof b.status === 'number' && b.status !== response.status ? ` (body says ${b.status})` : '';
  const what = [title, detail && title ? `(${detail})` : detail].filter(Boolean).join(' ');
  if (!kind && !what) return bare + status;
  return `${bare}${kind ? ` ${kind}` : ''}${what ? `: ${what}` : ''}${status}`;
}

function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'application/problem+json' || type.endsWith('+json');
}

// Reads at most MAX_ERROR_BODY_BYTES, then stops: a body cut there fails JSON.parse and is ignored.
async function readBounded(response: Response): Promise<string | undefined> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > MAX_ERROR_BODY_BYTES) {
    await discard(response);
    return undefined;
  }
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ERROR_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

// Lets the connection go back to the pool (or closes it) without reading an unbounded body.
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function member(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters (newlines included) would let a server forge lines in logs built from lastError.
  const clean = Array.from(value, (c) => (isControl(c.codePointAt(0)!) ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (clean.length === 0) return undefined;
  return (clean.length > MAX_MEMBER ? `${clean.slice(0, MAX_MEMBER)}…` : clean).toWellFormed();
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
