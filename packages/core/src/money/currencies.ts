/**
 * ISO 4217 minor-unit exponents. Most currencies use 2, so only the exceptions
 * are listed by exponent; the rest of the active codes are listed once.
 */
const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
  'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL ' +
  'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK ' +
  'PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
  'TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';

// A pure-annotated call, not a top-level loop: bundlers can then drop the
// table from any bundle that uses no currency function (the token package's
// verify-only entry: 0.7 KB of its 10 KB budget).
const EXPONENTS = /* @__PURE__ */ exponents();
function exponents(): Map<string, number> {
  const map = new Map<string, number>();
  for (const [list, exponent] of [
    [EXPONENT_0, 0],
    [EXPONENT_2, 2],
    [EXPONENT_3, 3],
    [EXPONENT_4, 4],
  ] as const) {
    for (const code of list.split(' ')) map.set(code, exponent);
  }
  return map;
}

/**
 * The number of decimal places of a currency's minor unit (ISO 4217): 0 for
 * JPY, 2 for USD, 3 for KWD. `undefined` for a code that is not an active
 * ISO 4217 currency.
 *
 * @example
 * ```ts
 * import { currencyExponent } from '@tallystick/core';
 * currencyExponent('JPY'); // 0
 * currencyExponent('KWD'); // 3
 * currencyExponent('XYZ'); // undefined
 * ```
 */
export function currencyExponent(currency: string): number | undefined {
  return EXPONENTS.get(currency);
}

/**
 * Tells whether `code` is an active ISO 4217 currency code that tallystick knows.
 *
 * @example
 * ```ts
 * import { isCurrencyCode } from '@tallystick/core';
 * isCurrencyCode('EUR'); // true
 * isCurrencyCode('eur'); // false
 * ```
 */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === 'string' && EXPONENTS.has(code);
}

/**
 * All currency codes tallystick knows, sorted.
 *
 * @example
 * ```ts
 * import { currencyCodes } from '@tallystick/core';
 * currencyCodes().includes('USD'); // true
 * ```
 */
export function currencyCodes(): string[] {
  return [...EXPONENTS.keys()].sort();
}
