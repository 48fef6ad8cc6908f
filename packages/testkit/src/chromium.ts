/**
 * Where the real-Chromium suites find their browser and how they start it:
 * Debian's /usr/bin/chromium driven by playwright-core (`npx playwright
 * install` cannot reach its download host from CI), with the flags that keep
 * it from dialling out of a closed network.
 */
import { existsSync } from 'node:fs';
import { REQUIRE_SERVICES } from './services.js';

export const CHROMIUM_PATH = process.env.TALLYSTICK_CHROMIUM ?? '/usr/bin/chromium';

/** Pass as `chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })`. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether a suite can run in real Chromium. When the browser is missing it
 * prints why `suite` is skipped, or throws under TALLYSTICK_REQUIRE_SERVICES=1
 * so CI cannot go green by skipping.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const reason = `${CHROMIUM_PATH} is not installed (apt-get install -y chromium)`;
  if (REQUIRE_SERVICES) throw new Error(`${reason} and TALLYSTICK_REQUIRE_SERVICES=1`);
  console.warn(`[tallystick] skipping ${suite}: ${reason}`);
  return false;
}
