export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
export {
  PG_URL,
  REDIS_URL,
  REQUIRE_SERVICES,
  type ServiceName,
  serviceAvailable,
  uniqueName,
} from './services.js';
