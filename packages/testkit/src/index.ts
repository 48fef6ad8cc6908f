export { PG_URL, REDIS_URL, REQUIRE_SERVICES, serviceAvailable, uniqueName, type ServiceName } from './services.js';
