import { encodeBase45, encodeBase64url } from '@tallystick/core';
import { sign } from '../crypto/index.js';
import { TEXT_PREFIX } from '../format.js';
import type { IssuedToken } from '../issuer.js';
import { TOKEN_DOMAIN, TOKEN_START } from './input.js';
import { SIZE } from './layout.js';
import { parseToken } from './parse.js';

/** Signs an encoded body and returns every form. Shared with the vector generator. */
export function sealToken(body: Uint8Array, secretKey: Uint8Array, urlPrefix = ''): IssuedToken {
  const buf = new Uint8Array(TOKEN_START + body.length + SIZE.signature);
  buf.set(TOKEN_DOMAIN, 0);
  buf.set(body, TOKEN_START);
  buf.set(sign(buf.subarray(0, TOKEN_START + body.length), secretKey), TOKEN_START + body.length);
  const parsed = parseToken(buf, TOKEN_START);
  if (!parsed.ok)
    throw new RangeError(`unreachable: the encoder produced a token the parser refuses: ${parsed.message}`);
  // A fresh copy: a view would expose the domain string through `bytes.buffer`.
  const bytes = buf.slice(TOKEN_START);
  return {
    id: parsed.token.id,
    bytes,
    qr: TEXT_PREFIX.token + encodeBase45(bytes),
    url: urlPrefix + encodeBase64url(bytes),
    token: parsed.token,
  };
}
