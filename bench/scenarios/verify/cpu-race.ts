/**
 * A race scored in operations per CPU-second of this process, for the native
 * contenders of bench/verify.
 *
 * Why not wall-clock ops/s like the shared harness: the native target is a
 * 10 % margin (ours >= 0.9x node:crypto), and on a shared 2-core box the
 * scheduler hands this process anywhere from a third to all of a core from
 * one 300 ms slice to the next, which moves wall-clock ratios by more than
 * 10 %. CPU time counts only the work done, whoever else is running, so the
 * ratio is the one a dedicated core would show. It counts every thread of the
 * process: for WebCrypto and jose that includes the libuv pool thread the
 * verify actually runs on, so an async contender is charged its full cost,
 * not just the main thread's share.
 *
 * Every contender runs with one operation in flight: each call is awaited
 * before the next starts. Slices are short (25 ms) and interleaved many
 * times (A B C, B C A, ...), so every contender sees the same mix of quiet
 * and busy moments; with 500 ms slices the rate of one contender still moved
 * by ±25 % from round to round on this box, CPU time or not (the neighbours
 * share caches and, on a VM, possibly the physical core). Each rate is total
 * operations over total CPU time across all slices, and the spread is shown
 * as ten block rates. The wall-clock rate of the same slices is kept
 * alongside for comparison.
 */

export interface CpuContender {
  name: string;
  /** One operation; may return a promise, which is awaited before the next call. */
  fn: () => unknown;
  baseline?: boolean;
}

export interface CpuResult {
  name: string;
  /** Operations per CPU-second (user + system, all threads), over all slices. */
  opsPerCpuSecond: number;
  ratio: number;
  /** Operations per wall-clock second over the same slices, for comparison. */
  opsPerWallSecond: number;
  wallRatio: number;
  /** CPU time over wall time while this contender ran: 1.0 is one full core. */
  cpuShare: number;
  /** Ops per CPU-second in ten consecutive blocks of slices: the spread. */
  blocks: number[];
}

/** Runs the contenders in interleaved slices; every ratio is against the baseline's total rate. */
export async function runCpuRace(
  contenders: CpuContender[],
  options: { slices: number; sliceMs: number },
): Promise<CpuResult[]> {
  const baseline = contenders.find((c) => c.baseline);
  if (!baseline || contenders.filter((c) => c.baseline).length !== 1) {
    throw new Error('cpu race: exactly one contender must be the baseline');
  }
  for (const c of contenders) await slice(c.fn, 200); // warm-up, not scored
  const totals = contenders.map(() => ({ ops: 0, cpu: 0, wall: 0 }));
  const blockSize = Math.max(1, Math.floor(options.slices / 10));
  const blocks = contenders.map(() => [] as { ops: number; cpu: number }[]);
  for (let round = 0; round < options.slices; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const k = (i + round) % contenders.length;
      const s = await slice(contenders[k]!.fn, options.sliceMs);
      totals[k]!.ops += s.ops;
      totals[k]!.cpu += s.cpuSeconds;
      totals[k]!.wall += s.wallSeconds;
      const b = Math.floor(round / blockSize);
      blocks[k]![b] ??= { ops: 0, cpu: 0 };
      blocks[k]![b]!.ops += s.ops;
      blocks[k]![b]!.cpu += s.cpuSeconds;
    }
  }
  const at = contenders.indexOf(baseline);
  const baseCpu = totals[at]!.ops / totals[at]!.cpu;
  const baseWall = totals[at]!.ops / totals[at]!.wall;
  return contenders.map((c, k) => {
    const t = totals[k]!;
    return {
      name: c.name,
      opsPerCpuSecond: Math.round(t.ops / t.cpu),
      ratio: round3(t.ops / t.cpu / baseCpu),
      opsPerWallSecond: Math.round(t.ops / t.wall),
      wallRatio: round3(t.ops / t.wall / baseWall),
      cpuShare: round3(t.cpu / t.wall),
      blocks: blocks[k]!.map((b) => Math.round(b.ops / b.cpu)),
    };
  });
}

/** Calls `fn` back to back for `ms` of wall time, one call in flight. */
async function slice(
  fn: () => unknown,
  ms: number,
): Promise<{ ops: number; cpuSeconds: number; wallSeconds: number }> {
  // One untimed call tells sync from async, and is awaited so only one is ever in flight.
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + ms;
  let ops = 0;
  // Batches of 4 keep the clock reads out of the measured work.
  while (performance.now() < until) {
    if (isAsync) for (let i = 0; i < 4; i++) await fn();
    else for (let i = 0; i < 4; i++) fn();
    ops += 4;
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  return { ops, cpuSeconds: (used.user + used.system) / 1e6, wallSeconds };
}

/** Prints a race as a markdown table. */
export function printCpuRace(title: string, results: CpuResult[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| contender | ops/CPU-s | ratio | ops/wall-s | wall ratio | CPU share | block min-max |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const spread = `${Math.min(...r.blocks).toLocaleString('en-US')}-${Math.max(...r.blocks).toLocaleString('en-US')}`;
    console.log(
      `| ${r.name} | ${r.opsPerCpuSecond.toLocaleString('en-US')} | ${r.ratio.toFixed(2)}x | ${r.opsPerWallSecond.toLocaleString('en-US')} | ${r.wallRatio.toFixed(2)}x | ${r.cpuShare.toFixed(2)} | ${spread} |`,
    );
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
