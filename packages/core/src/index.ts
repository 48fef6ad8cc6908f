/**
 * @packageDocumentation
 * The foundation of tallystick: errors with stable codes, strict codecs,
 * clocks and a hybrid logical clock, ids and integer money.
 */

export { type Clock, createManualClock, type ManualClock, systemClock } from './clock/clock.js';
export { createHlc, type Hlc, type HlcOptions } from './clock/hlc.js';
export {
  compareHlc,
  decodeHlc,
  encodeHlc,
  HLC_MAX_COUNTER,
  HLC_MAX_WALL,
  type HlcTimestamp,
  hlcFromBytes,
  hlcToBytes,
  isValidHlcNode,
} from './clock/hlc-timestamp.js';
export { decodeBase45, encodeBase45, tryDecodeBase45 } from './codecs/base45.js';
export { decodeBase64url, encodeBase64url, tryDecodeBase64url } from './codecs/base64url.js';
export { canonicalJson, type JsonValue, MAX_CANONICAL_JSON_DEPTH } from './codecs/canonical-json.js';
export { decodeHex, encodeHex, tryDecodeHex } from './codecs/hex.js';
export {
  decodeVarint,
  encodeVarint,
  tryDecodeVarint,
  type VarintResult,
  varintLength,
  writeVarint,
} from './codecs/varint.js';
export {
  isTallystickError,
  TallystickError,
  type TallystickErrorCode,
  type TallystickErrorOptions,
} from './errors.js';
export { isIntentId, newIntentId, newRandomId, newTokenId, randomBytes } from './ids.js';
export { type IntentEnvelope, MAX_INTENT_PAYLOAD_BYTES } from './intent.js';
export { currencyCodes, currencyExponent, isCurrencyCode } from './money/currencies.js';
export {
  addMoney,
  formatMoney,
  type Money,
  money,
  parseMoney,
  splitMoney,
  subtractMoney,
} from './money/money.js';
export { classifyHttpStatus, type HttpStatusClass, isRetryableStatus } from './protocol/http-status.js';
export {
  INTENT_TYPES,
  type ProtocolIntentType,
  REDEMPTION_INTENT_TYPE,
  type Redemption,
} from './protocol/intent-types.js';
export { guardConnectionErrors, isConnectionFailure, toBackendError } from './unavailable.js';
