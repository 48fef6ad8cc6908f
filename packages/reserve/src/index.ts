/**
 * @packageDocumentation
 * Reservation-window math for offline selling: numerically stable Poisson
 * distribution functions, per-terminal stock quotas, oversell risk and the
 * longest safe offline window, worst-case value at risk under offline caps,
 * hold expiry under clock skew, and bounded-counter escrow of stock rights.
 */
export {
  poissonPmf,
  poissonLogPmf,
  poissonCdf,
  poissonLogCdf,
  poissonSurvival,
  poissonLogSurvival,
  POISSON_MAX_MEAN,
} from './poisson.js';
export { poissonQuantile, type PoissonQuantileOptions } from './poisson-quantile.js';
export {
  allocate,
  type AllocateInput,
  type Allocation,
  type DeviceAllocation,
  type DeviceRate,
} from './allocate.js';
export {
  oversellProbability,
  maxOfflineWindow,
  type OversellInput,
  type OfflineWindowInput,
  type OfflineWindow,
} from './risk.js';
export { exposure, type ExposureInput, type ExposureToken, type ExposureCaps, type ExposureResult } from './exposure.js';
export {
  createHold,
  holdDeadlines,
  terminalHoldStatus,
  serverMayReclaim,
  type Hold,
  type HoldPolicy,
  type HoldDeadlines,
  type HoldStatus,
} from './holds.js';
export { createOfflineClock, type OfflineClock, type OfflineClockSnapshot } from './offline-clock.js';
export {
  createBoundedCounter,
  type BoundedCounter,
  type BoundedCounterState,
  type EscrowResult,
} from './escrow.js';
