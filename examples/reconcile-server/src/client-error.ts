/**
 * Requests Node's HTTP parser refuses before any route sees them: a CR, LF
 * or NUL in a header, headers too large, a malformed request line. Node's
 * default answer is a bare `400 Bad Request`; this one is the same RFC 9457
 * problem+json every other refusal of this server uses, so clients parse one
 * format, and the socket is closed after it since its framing is unknown.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's codes for these failures, and the status each deserves. */
function statusOf(code: string | undefined): [number, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'headers-too-large', 'Request headers are too large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT')
    return [408, 'request-timeout', 'The request was not received in time'];
  return [400, 'malformed-request', 'The request is not valid HTTP/1.1'];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Answers every request the parser refuses with a problem+json and closes the connection. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // A connection reset mid-request has nobody left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, kind, title] = statusOf(error.code);
    const body = JSON.stringify({
      type: `urn:tallystick:problem:${kind}`,
      title,
      status,
      detail: 'Fix the request and send it again.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
        'content-type: application/problem+json\r\ncache-control: no-store\r\nconnection: close\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
