/**
 * Text every ledger can store as it is. Postgres refuses U+0000 in text and
 * jsonb, and lone surrogates in jsonb; a batch carrying either would fail on
 * every retry, and the memory ledger would accept what Postgres refuses. So
 * client text is checked at the door, and text the engine writes itself
 * (verifier messages, error messages) is made storable.
 */

/**
 * Whether a string can be stored as it is by every ledger: well-formed UTF-16
 * (no lone surrogates) and no U+0000.
 *
 * @example
 * ```ts
 * import { isStorableText } from '@tallystick/reconcile';
 * isStorableText('T1.abc.def'); // true
 * isStorableText('a\u0000b'); // false
 * ```
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

/** `text` cut to `max` characters and made storable: lone surrogates and NUL become U+FFFD. */
export function storableText(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.toWellFormed().replaceAll('\u0000', '\ufffd');
}
