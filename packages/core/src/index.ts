/**
 * @packageDocumentation
 * The foundation of tallystick: errors with stable codes, strict codecs,
 * clocks and a hybrid logical clock, ids and integer money.
 */
export { encodeBase45, decodeBase45, tryDecodeBase45 } from './codecs/base45.js';
export { encodeBase64url, decodeBase64url, tryDecodeBase64url } from './codecs/base64url.js';
export { canonicalJson, type JsonValue } from './codecs/canonical-json.js';
export { encodeHex, decodeHex, tryDecodeHex } from './codecs/hex.js';
export {
  encodeVarint,
  decodeVarint,
  tryDecodeVarint,
  writeVarint,
  varintLength,
  type VarintResult,
} from './codecs/varint.js';
export { systemClock, createManualClock, type Clock, type ManualClock } from './clock/clock.js';
export { createHlc, type Hlc, type HlcOptions } from './clock/hlc.js';
export {
  compareHlc,
  encodeHlc,
  decodeHlc,
  hlcToBytes,
  hlcFromBytes,
  isValidHlcNode,
  HLC_MAX_COUNTER,
  HLC_MAX_WALL,
  type HlcTimestamp,
} from './clock/hlc-timestamp.js';
export { TallystickError, isTallystickError, type TallystickErrorCode, type TallystickErrorOptions } from './errors.js';
export { newIntentId, isIntentId, newTokenId, newRandomId, randomBytes } from './ids.js';
export { currencyExponent, isCurrencyCode, currencyCodes } from './money/currencies.js';
export {
  money,
  parseMoney,
  formatMoney,
  addMoney,
  subtractMoney,
  splitMoney,
  type Money,
} from './money/money.js';
export {
  intentEnvelopeSchema,
  moneySchema,
  jsonPayloadSchema,
  MAX_INTENT_PAYLOAD_BYTES,
  type IntentEnvelope,
} from './schemas.js';
