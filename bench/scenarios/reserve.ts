/**
 * @tallystick/reserve: Poisson quantiles across means from 1 to 1e6, and
 * allocate() for a fleet of 1,000 terminals.
 *
 * Baselines are what one writes first: the quantile found by summing pmf terms
 * from e^−μ upwards (correct only while e^−μ does not underflow, μ < ~745),
 * and an allocator built on that summation.
 */
import { allocate, poissonQuantile } from '@tallystick/reserve';
import { printRows, runThroughput } from '../lib/harness.js';

const HOUR = 3_600_000;
/** 16 probabilities: the centre, both shoulders and tails down to 1e-9. */
const PROBABILITIES = [
  1e-9,
  1e-6,
  1e-3,
  0.01,
  0.05,
  0.1,
  0.25,
  0.4,
  0.5,
  0.6,
  0.75,
  0.9,
  0.95,
  0.99,
  0.999,
  1 - 1e-6,
];

function naiveQuantile(p: number, mu: number): number {
  let term = Math.exp(-mu);
  let cdf = term;
  let k = 0;
  while (cdf < p) {
    k++;
    term *= mu / k;
    cdf += term;
  }
  return k;
}

const fleet = Array.from({ length: 1000 }, (_, i) => ({ id: `till-${i}`, ratePerHour: 1 + ((i * 37) % 60) }));
const bigFleet = fleet.map((d) => ({ ...d, ratePerHour: d.ratePerHour * 1000 }));

function naiveAllocate(stock: number, epsilon: number, windowMs: number): number {
  let used = 0;
  for (const d of fleet) used += naiveQuantile(1 - epsilon, (d.ratePerHour * windowMs) / HOUR);
  return stock - used;
}

export async function run(): Promise<void> {
  for (const p of PROBABILITIES) {
    if (naiveQuantile(p, 10) !== poissonQuantile(p, 10))
      throw new Error(`naive and exact quantiles differ at p=${p}`);
  }
  let sink = 0;
  const quantileAt = (mu: number) => () => {
    for (const p of PROBABILITIES) sink += poissonQuantile(p, mu);
  };
  const means = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
  const quantiles = await runThroughput('reserve-quantile', {
    contenders: [
      {
        name: 'naive summation quantile, μ = 10',
        baseline: true,
        opsPerCall: PROBABILITIES.length,
        fn: () => {
          for (const p of PROBABILITIES) sink += naiveQuantile(p, 10);
        },
      },
      ...means.map((mu) => ({
        name: `poissonQuantile, μ = ${mu.toExponential(0)}`,
        opsPerCall: PROBABILITIES.length,
        fn: quantileAt(mu),
      })),
    ],
    notes: [
      `ops = quantile evaluations, each over the same ${PROBABILITIES.length} probabilities from 1e-9 to 1 − 1e-6.`,
      'The naive summation returns 0 for every p once μ > ~745 (e^−μ underflows); it is the baseline only at μ = 10.',
    ],
  });

  const fits = { stock: 1_000_000, devices: fleet, windowMs: 2 * HOUR, maxStockoutProbability: 0.05 };
  const required = allocate(fits).requiredStock;
  const short = { ...fits, stock: Math.floor(required * 0.6) };
  const big = { ...fits, stock: 10 ** 9, devices: bigFleet };
  if (allocate(short).strategy !== 'greedy-marginal') throw new Error('the short case must be greedy');
  const allocation = await runThroughput('reserve-allocate', {
    contenders: [
      {
        name: 'naive summation quotas, 1,000 devices',
        baseline: true,
        fn: () => (sink += naiveAllocate(fits.stock, 0.05, fits.windowMs)),
      },
      { name: 'allocate, 1,000 devices, quotas fit', fn: () => (sink += allocate(fits).serverRemainder) },
      {
        name: 'allocate, 1,000 devices, greedy (60% of stock)',
        fn: () => (sink += allocate(short).allocatedStock),
      },
      {
        name: 'allocate, 1,000 devices, μ up to 1.2e5',
        fn: () => (sink += allocate(big).serverRemainder),
      },
    ],
    notes: [
      'Fleet: rates 1..60 per hour over a 2 h window (μ from 2 to 120), ε = 0.05; the big fleet has 1,000× the rates.',
      `The greedy case has ${short.stock} of the ${required} units the quotas need.`,
    ],
  });
  printRows('reserve: figures for the guide', [
    ...quantiles.results.map((r) => ({
      what: r.name,
      value: `${r.opsPerSec.toLocaleString('en-US')} quantiles/s`,
    })),
    ...allocation.results.map((r) => ({ what: r.name, value: `${r.p50Ms} ms per call (p50)` })),
  ]);
  if (sink === 0) throw new Error('unreachable: keeps the results alive');
}
