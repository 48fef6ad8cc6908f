/**
 * @packageDocumentation
 * Reservation-window math for offline selling: numerically stable Poisson
 * distribution functions, per-terminal stock quotas, oversell risk and the
 * longest safe offline window, worst-case value at risk under offline caps,
 * hold expiry under clock skew, and quotas handed out as rights on
 * `@tallystick/merge`'s bounded counter (`allotQuotas`).
 */

export {
  type AllocateInput,
  type Allocation,
  allocate,
  type DeviceAllocation,
  type DeviceRate,
} from './allocate.js';
export { allotQuotas, type Quota } from './allot.js';
export {
  type ExposureCaps,
  type ExposureInput,
  type ExposureResult,
  type ExposureToken,
  exposure,
} from './exposure.js';
export {
  createHold,
  type Hold,
  type HoldDeadlines,
  type HoldPolicy,
  type HoldStatus,
  holdDeadlines,
  serverMayReclaim,
  terminalHoldStatus,
} from './holds.js';
export { createOfflineClock, type OfflineClock, type OfflineClockSnapshot } from './offline-clock.js';
export {
  POISSON_MAX_MEAN,
  poissonCdf,
  poissonLogCdf,
  poissonLogPmf,
  poissonLogSurvival,
  poissonPmf,
  poissonSurvival,
} from './poisson.js';
export { type PoissonQuantileOptions, poissonQuantile } from './poisson-quantile.js';
export {
  maxOfflineWindow,
  type OfflineWindow,
  type OfflineWindowInput,
  type OversellInput,
  oversellProbability,
} from './risk.js';
