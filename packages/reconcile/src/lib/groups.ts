/**
 * Group keys. Every verdict belongs to one group, and a group's verdicts are
 * only ever written while holding the lock that covers it:
 * - `sku:<sku>`: stock, holds and prices of one SKU; its own lock.
 * - `refunds:<sale id>:<sku>`: one sale's refunds of that SKU; covered by the
 *   `sku:<sku>` lock, since the sale and its refunds are all SKU members.
 * - `token:<token id>`: every redemption of one token; its own lock.
 * - `intent:<id>`: a redemption whose token did not verify; it has one member
 *   forever, so it needs no lock.
 */
export const SKU = 'sku:';
export const TOKEN = 'token:';
export const INTENT = 'intent:';
export const REFUNDS = 'refunds:';
const UUID_LENGTH = 36;

export function refundsKey(saleId: string, sku: string): string {
  return `${REFUNDS}${saleId}:${sku}`;
}

export function parseRefundsKey(key: string): { saleId: string; sku: string } {
  const rest = key.slice(REFUNDS.length);
  return { saleId: rest.slice(0, UUID_LENGTH), sku: rest.slice(UUID_LENGTH + 1) };
}

/** The lock a group's writers must hold, or undefined when it needs none. */
export function lockOf(key: string): string | undefined {
  if (key.startsWith(REFUNDS)) return SKU + parseRefundsKey(key).sku;
  if (key.startsWith(INTENT)) return undefined;
  return key;
}
