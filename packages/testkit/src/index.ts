export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
export { type BadRequest, badRequests, type FuzzBase, goodRequest, problemViolation } from './http-fuzz.js';
export { type NotRegularFixture, notRegularFixture } from './not-regular.js';
export {
  encodeRawRequest,
  parseRawResponse,
  type RawRequest,
  type RawResponse,
  sendRawRequest,
} from './raw-http.js';
export {
  PG_URL,
  REDIS_URL,
  REQUIRE_SERVICES,
  type ServiceName,
  serviceAvailable,
  uniqueName,
} from './services.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
