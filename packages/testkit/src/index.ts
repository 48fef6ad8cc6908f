export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
export {
  PG_URL,
  REDIS_URL,
  REQUIRE_SERVICES,
  type ServiceName,
  serviceAvailable,
  uniqueName,
} from './services.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
