import { allocate } from '@tallystick/reserve';
import type { Command } from 'commander';
import { UsageError } from '../lib/exit.js';
import { parseDuration } from '../lib/io.js';
import type { CommandContext } from '../program.js';

interface AllocateFlags {
  stock: string;
  rate: string[];
  window: string;
  epsilon: string;
  json?: boolean;
}

export function registerAllocate(program: Command, ctx: CommandContext): void {
  program
    .command('allocate')
    .description('Split stock into per-terminal quotas for an offline window (Poisson demand).')
    .requiredOption('--stock <units>', 'units on hand, an integer ≥ 0')
    .requiredOption('--rate <id=perHour...>', 'expected sales per hour of one terminal; repeat per terminal')
    .option('--window <duration>', 'how long terminals sell offline (e.g. 2h, 90m)', '2h')
    .option('--epsilon <p>', 'tolerated chance a terminal runs out of its quota, in (0, 1)', '0.05')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  tallystick allocate --stock 160 --rate a=30 --rate b=20 --rate c=10 --window 2h --epsilon 0.05',
    )
    .action((flags: AllocateFlags) => {
      const stock = Number(flags.stock);
      if (!/^\d+$/.test(flags.stock))
        throw new UsageError(`--stock must be a whole number of units, got "${flags.stock}"`);
      const devices = flags.rate.map((text) => {
        const match = /^([^=]+)=(\d+(?:\.\d+)?)$/.exec(text);
        if (!match) throw new UsageError(`--rate must look like id=perHour (e.g. stall-a=30), got "${text}"`);
        return { id: match[1]!, ratePerHour: Number(match[2]) };
      });
      const epsilon = Number(flags.epsilon);
      if (!(epsilon > 0 && epsilon < 1))
        throw new UsageError(`--epsilon must be between 0 and 1 (exclusive), got "${flags.epsilon}"`);
      const windowMs = parseDuration(flags.window, '--window');
      const result = allocate({ stock, devices, windowMs, maxStockoutProbability: epsilon });
      if (flags.json) {
        ctx.io.out(JSON.stringify(result, null, 2));
        return;
      }
      ctx.io.out(`strategy: ${result.strategy} (${result.reason})`);
      ctx.io.out('terminal      rate/h   mean   quota  P(stockout)  expected sales');
      for (const d of result.devices) {
        ctx.io.out(
          `${d.id.padEnd(12)} ${String(d.ratePerHour).padStart(7)} ${d.expectedDemand.toFixed(1).padStart(6)} ${String(d.quota).padStart(7)} ${d.stockoutProbability.toExponential(2).padStart(12)} ${d.expectedSales.toFixed(1).padStart(15)}`,
        );
      }
      ctx.io.out(
        `server keeps: ${result.serverRemainder} of ${stock}; expected sales ${result.expectedSales.toFixed(1)}`,
      );
    });
}
