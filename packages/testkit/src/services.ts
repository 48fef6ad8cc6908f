/**
 * Finds the Postgres and Redis a test suite should use.
 *
 * - `TALLYSTICK_PG_URL` (default postgres://postgres@127.0.0.1:5432/test) and
 *   `TALLYSTICK_REDIS_URL` (default redis://127.0.0.1:6379) are probed once.
 * - When a service is unreachable, suites skip with a printed reason, or fail
 *   when `TALLYSTICK_REQUIRE_SERVICES=1` (CI), so a broken CI cannot go green
 *   by skipping.
 * - Postgres suites that can run single-process fall back to embedded PGlite.
 */
import net from 'node:net';

export const PG_URL = process.env.TALLYSTICK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TALLYSTICK_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REQUIRE_SERVICES = process.env.TALLYSTICK_REQUIRE_SERVICES === '1';

const probes = new Map<string, Promise<boolean>>();

function reachable(url: string): Promise<boolean> {
  let probe = probes.get(url);
  if (!probe) {
    const { hostname, port } = new URL(url);
    probe = new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port) });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    probes.set(url, probe);
  }
  return probe;
}

export type ServiceName = 'postgres' | 'redis';

/**
 * Resolves to true when the service answers. When it does not: throws under
 * TALLYSTICK_REQUIRE_SERVICES=1, otherwise prints why and resolves false.
 */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  const url = name === 'postgres' ? PG_URL : REDIS_URL;
  if (await reachable(url)) return true;
  const reason = `${name} is not reachable at ${url.replace(/\/\/[^@]*@/, '//')}`;
  if (REQUIRE_SERVICES) throw new Error(`${reason} and TALLYSTICK_REQUIRE_SERVICES=1`);
  console.warn(`[tallystick] skipping ${name} tests: ${reason}`);
  return false;
}

/** A unique, SQL-safe name for a test's own schema or key prefix, so parallel suites never collide. */
export function uniqueName(prefix: string): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${prefix}_${random}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
