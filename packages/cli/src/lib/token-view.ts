import { encodeBase64url, encodeHex, formatMoney } from '@tallystick/core';
import type { Token } from '@tallystick/token';

const iso = (ms: number) => new Date(ms).toISOString();

/** A token as plain JSON, for --json output and for people. */
export function tokenJson(token: Token): Record<string, unknown> {
  return {
    version: token.version,
    kid: token.kid,
    id: token.id,
    issuedAt: iso(token.issuedAt),
    expiresAt: iso(token.expiresAt),
    notBefore: token.notBefore === undefined ? null : iso(token.notBefore),
    amount: token.amount
      ? { ...token.amount, formatted: `${formatMoney(token.amount)} ${token.amount.currency}` }
      : null,
    audience: token.audience ?? null,
    holder: token.holder ?? null,
    data: token.data
      ? { base64url: encodeBase64url(token.data), utf8: new TextDecoder().decode(token.data) }
      : null,
    extensions: token.extensions.map((e) => ({
      tag: e.tag,
      mandatory: e.tag % 2 === 1,
      value: encodeHex(e.value),
    })),
    bytes: token.bytes.length,
  };
}

/** The same, one field a line, aligned. */
export function tokenLines(token: Token): string[] {
  const json = tokenJson(token);
  const amount = json.amount as { formatted: string; amount: number } | null;
  const data = json.data as { utf8: string; base64url: string } | null;
  return [
    `version     ${token.version}`,
    `key id      ${token.kid}`,
    `token id    ${token.id}`,
    `issued at   ${json.issuedAt}`,
    `not before  ${json.notBefore ?? '-'}`,
    `expires at  ${json.expiresAt}`,
    `amount      ${amount ? `${amount.formatted} (${amount.amount} minor units)` : '-'}`,
    `audience    ${token.audience ?? '- (any terminal)'}`,
    `holder      ${token.holder ? `${token.holder} (presentation required)` : '- (bearer)'}`,
    `data        ${data ? `${JSON.stringify(data.utf8)} (${data.base64url})` : '-'}`,
    `extensions  ${token.extensions.length === 0 ? '-' : token.extensions.map((e) => `tag ${e.tag}${e.tag % 2 ? ' (mandatory)' : ''}`).join(', ')}`,
    `size        ${token.bytes.length} bytes`,
  ];
}
