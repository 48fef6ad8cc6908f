/**
 * HTTP/1.1 over a bare socket, for tests that must send what `fetch` refuses
 * to: control characters in headers, repeated headers, bytes that are not
 * UTF-8, a Content-Length that lies. Each request opens its own connection
 * and asks the server to close it, so the answer is whatever came back
 * before the close.
 */
import { connect } from 'node:net';

/** A request to send byte for byte. Host, Connection and Content-Length are added unless present. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** In order; a name may repeat. Values are sent as latin1, so any byte 0-255 goes through. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
}

/** What came back: status 0 when the server closed without an answer. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Serialises a request, adding `host`, `connection: close` and `content-length` where absent. */
export function encodeRawRequest(request: RawRequest): Uint8Array {
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  const lines = [`${request.method} ${request.path} HTTP/1.1`];
  if (!names.has('host')) lines.push('Host: 127.0.0.1');
  if (!names.has('connection')) lines.push('Connection: close');
  if (!names.has('content-length')) lines.push(`Content-Length: ${request.body.length}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Uint8Array(Buffer.concat([head, request.body]));
}

/**
 * Sends one request to `127.0.0.1:port` and reads the answer until the
 * server closes the connection (or `timeoutMs` passes, which rejects).
 */
export function sendRawRequest(port: number, request: RawRequest, timeoutMs = 5_000): Promise<RawResponse> {
  const bytes = encodeRawRequest(request);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.path}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we still write a body it refused (413): keep what it answered.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRawResponse(Buffer.concat(chunks)));
    });
    socket.write(bytes, () => socket.end());
  });
}

/** Parses the first response in `bytes` (Content-Length or chunked body, else to the end). */
export function parseRawResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = bytes.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (lineEnd < 0 || !Number.isFinite(size) || size === 0) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    rest = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    rest = rest.subarray(0, Number(headers['content-length']));
  }
  return { status, headers, body: rest.toString('utf8') };
}
