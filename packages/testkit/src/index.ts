export {
  PG_URL,
  REDIS_URL,
  REQUIRE_SERVICES,
  type ServiceName,
  serviceAvailable,
  uniqueName,
} from './services.js';
