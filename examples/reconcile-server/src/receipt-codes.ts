/**
 * `POST /receipt-codes`: a book of pre-numbered, signed receipt codes for one
 * device, fetched while it is online.
 *
 * A device that sells offline cannot ask anyone to sign its receipts, and must
 * never hold the issuer key. Shops solved this long before computers with
 * pre-numbered receipt books; these are the signed version. Each code is a
 * `@tallystick/token` token with a random 128-bit id, bound to the device
 * (audience) and valid for a week by default. At checkout the device shows
 * one as the receipt's QR code and queues a `token.redeemed` intent for it, so
 * reconciliation verifies the code once, with the issuer key, and flags a code
 * used twice or by another device as a conflict. Anyone with the public key
 * (`GET /keys`) can check a receipt's QR offline.
 */
import type { Issuer } from '@tallystick/token';
import { json, problem, type Reply } from './http.js';

/** At most this many codes per request. */
export const MAX_CODES_PER_REQUEST = 50;
/** A device name the token audience and the HLC node both accept: 1-32 of `[0-9A-Za-z._~-]`. */
const DEVICE = /^[0-9A-Za-z._~-]{1,32}$/;

/** Issues receipt codes for `{ device, count }`. */
export function issueReceiptCodes(issuer: Issuer, body: unknown, ttlMs: number): Reply {
  const { device, count = 10 } = (body ?? {}) as { device?: unknown; count?: unknown };
  if (typeof device !== 'string' || !DEVICE.test(device)) {
    return problem(
      400,
      'invalid-request',
      'device is missing or malformed',
      'Send {"device": "<1-32 characters of [0-9A-Za-z._~-]>", "count": 10}.',
    );
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_CODES_PER_REQUEST) {
    return problem(
      400,
      'invalid-request',
      'count is out of range',
      `count must be an integer from 1 to ${MAX_CODES_PER_REQUEST}.`,
    );
  }
  const codes = Array.from({ length: count }, () => {
    const issued = issuer.issue({ audience: device, ttlMs });
    return { id: issued.id, qr: issued.qr, expiresAt: issued.token.expiresAt };
  });
  return json(201, { kid: issuer.kid, device, codes });
}
