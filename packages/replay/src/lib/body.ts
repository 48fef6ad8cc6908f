/**
 * Reading request bodies with bounded memory and time, for the Node wrapper.
 * A client that sends headers and then stalls, or dribbles a byte a second,
 * would otherwise hold a buffer and a handler slot for as long as it likes;
 * a few hundred of them would hold the server.
 *
 * - Every body has a deadline for the whole body (not an idle timeout, which
 *   a dribble resets): past it the request gets 408 and its socket closes.
 * - At most `maxBodies` bodies are read at once, so buffered request memory
 *   stays under `maxBodies × maxBodyBytes`; a request over the limit gets 503
 *   with Retry-After before a byte of its body is read.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = Uint8Array | 'too_large' | 'timeout';

/** Counts bodies being read; `enter` refuses once `max` are in flight. */
export interface BodyGate {
  enter(): boolean;
  leave(): void;
  readonly inFlight: number;
}

export function createBodyGate(max: number): BodyGate {
  let inFlight = 0;
  return {
    enter() {
      if (inFlight >= max) return false;
      inFlight++;
      return true;
    },
    leave() {
      inFlight--;
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/** Reads at most `limit` bytes of `req`'s body within `timeoutMs`. */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too_large');
  }
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish('too_large');
        // Drain the rest so the 413 reaches the client; `connection: close` ends the socket after it.
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(new Uint8Array(Buffer.concat(chunks)));
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    // The stalled request's chunks are dropped now; the 408 carries `connection: close`.
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}
