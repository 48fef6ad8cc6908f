/**
 * Core codecs against the platform's own encoders (Node's Buffer, written in
 * C++), on a 120-byte token-sized payload.
 */
import { encodeBase45, encodeBase64url, tryDecodeBase45, tryDecodeBase64url } from '@tallystick/core';
import { runThroughput } from '../lib/harness.js';

export async function run(): Promise<void> {
  const bytes = crypto.getRandomValues(new Uint8Array(120));
  const b64 = Buffer.from(bytes).toString('base64url');
  const b45 = encodeBase45(bytes);
  let sink = 0;
  await runThroughput('codecs', {
    contenders: [
      {
        name: 'Buffer base64url decode (native)',
        baseline: true,
        fn: () => (sink += Buffer.from(b64, 'base64url').length),
      },
      { name: 'tryDecodeBase64url', fn: () => (sink += tryDecodeBase64url(b64)!.length) },
      { name: 'tryDecodeBase45', fn: () => (sink += tryDecodeBase45(b45)!.length) },
      {
        name: 'Buffer base64url encode (native)',
        fn: () => (sink += Buffer.from(bytes).toString('base64url').length),
      },
      { name: 'encodeBase64url', fn: () => (sink += encodeBase64url(bytes).length) },
      { name: 'encodeBase45', fn: () => (sink += encodeBase45(bytes).length) },
    ],
    notes: ['Payload: 120 random bytes, the size of a voucher token.'],
  });
  if (sink === 0) throw new Error('unreachable: keeps the results alive');
}
