/**
 * The shared benchmark harness. Every scenario measures its contenders in
 * interleaved rounds (A B C, B C A, C A B ...) so that a noisy neighbour or a
 * thermal dip hits all of them alike, then reports each median as ops/s and as
 * a ratio against a baseline measured in the same run. Nothing here asserts a
 * time: benchmarks report, tests decide.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

export const QUICK = process.env.BENCH_QUICK === '1' || process.env.CI === 'true';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface Contender {
  name: string;
  fn: () => unknown;
  /** Operations done by one call, e.g. 256 for a batch of 256 verifies. */
  opsPerCall?: number;
  /** The contender every ratio is measured against. Exactly one per scenario. */
  baseline?: boolean;
}

export interface ContenderResult {
  name: string;
  opsPerSec: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  rounds: number[];
}

export interface ScenarioResult {
  scenario: string;
  date: string;
  machine: MachineInfo;
  baseline: string;
  results: ContenderResult[];
  notes: string[];
  extra?: Record<string, unknown>;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export interface ThroughputOptions {
  contenders: Contender[];
  rounds?: number;
  /** Milliseconds each contender runs per round. */
  timeMs?: number;
  notes?: string[];
  extra?: Record<string, unknown>;
}

/** Runs contenders in interleaved rounds and reports medians and ratios. */
export async function runThroughput(scenario: string, options: ThroughputOptions): Promise<ScenarioResult> {
  const { contenders } = options;
  const baseline = contenders.find((c) => c.baseline);
  if (!baseline || contenders.filter((c) => c.baseline).length !== 1) {
    throw new Error(`${scenario}: exactly one contender must be the baseline`);
  }
  const rounds = options.rounds ?? (QUICK ? 2 : 5);
  const timeMs = options.timeMs ?? (QUICK ? 150 : 600);
  const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const p50 = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const p99 = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const contender of order) {
      const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 4), iterations: 8 });
      bench.add(contender.name, contender.fn);
      await bench.run();
      const result = bench.tasks[0]?.result as
        | { period?: number; latency?: { p50?: number; p99?: number }; error?: unknown }
        | undefined;
      if (!result || result.error || !result.period)
        throw new Error(`${scenario}/${contender.name} failed: ${String(result?.error)}`);
      perRound.get(contender.name)!.push((1000 / result.period) * (contender.opsPerCall ?? 1));
      p50.get(contender.name)!.push(result.latency?.p50 ?? result.period);
      p99.get(contender.name)!.push(result.latency?.p99 ?? result.period);
    }
  }
  const baseOps = median(perRound.get(baseline.name)!);
  const results = contenders.map((c) => {
    const ops = median(perRound.get(c.name)!);
    return {
      name: c.name,
      opsPerSec: Math.round(ops),
      ratio: round3(ops / baseOps),
      p50Ms: round3(median(p50.get(c.name)!)),
      p99Ms: round3(median(p99.get(c.name)!)),
      rounds: perRound.get(c.name)!.map(Math.round),
    };
  });
  const report: ScenarioResult = {
    scenario,
    date: new Date().toISOString(),
    machine: machineInfo(),
    baseline: baseline.name,
    results,
    notes: options.notes ?? [],
    ...(options.extra ? { extra: options.extra } : {}),
  };
  printTable(report);
  writeResult(scenario, report);
  return report;
}

/** Writes any scenario's result object to bench/results/<scenario>.json. */
export function writeResult(scenario: string, data: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${scenario}.json`), JSON.stringify(data, null, 2) + '\n');
}

/** Prints a markdown table of a throughput report. */
export function printTable(report: ScenarioResult): void {
  console.log(`\n### ${report.scenario} (baseline: ${report.baseline})\n`);
  console.log('| contender | ops/s | ratio | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of report.results) {
    console.log(
      `| ${r.name} | ${r.opsPerSec.toLocaleString('en-US')} | ${r.ratio.toFixed(2)}x | ${r.p50Ms} | ${r.p99Ms} |`,
    );
  }
  for (const note of report.notes) console.log(`\n- ${note}`);
}

/** Prints a markdown table from rows of plain values, for scenarios that are not throughput races. */
export function printRows(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n### ${title}\n`);
  const columns = Object.keys(rows[0] ?? {});
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((c) => String(row[c])).join(' | ')} |`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
