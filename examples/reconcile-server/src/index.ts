/**
 * The tallystick reconcile server as a library: `startServer` for tests and
 * demos, the pieces it is built from for anyone wiring their own.
 */
export { DEFAULT_CATALOG, openingStock, type Product, STOCK_DEVICE } from './catalog.js';
export { type KeyFileTexts, newIssuerKeyFile, readServerKeys, type ServerKeys } from './keys.js';
export type { MetricsSnapshot } from './metrics.js';
export { MAX_CODES_PER_REQUEST } from './receipt-codes.js';
export { createRedemptionVerifier, type RedemptionVerifierOptions } from './redemptions.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
export type { StorageOptions } from './storage.js';
