import { Command, CommanderError } from 'commander';
import { registerAllocate } from './commands/allocate.js';
import { registerKeygen } from './commands/keys.js';
import { registerQr } from './commands/qr.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerTokenCommands } from './commands/tokens.js';
import { EXIT, UsageError } from './lib/exit.js';
import type { Io } from './lib/io.js';
import { processIo } from './lib/io.js';

/**
 * What each command registrar receives: where to write and how to raise the
 * exit code (the highest code set wins).
 *
 * @example
 * ```ts
 * import { type CommandContext, runCli } from '@tallystick/cli';
 * // A command reports through ctx.io and ctx.setExit; runCli builds the context for you.
 * const lines: string[] = [];
 * const ctx: CommandContext = { io: { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false }, setExit: () => {} };
 * const exit = await runCli(['--version'], ctx.io); // 0, the version in lines
 * ```
 */
export interface CommandContext {
  io: Io;
  setExit(code: number): void;
}

const HELP_FOOTER = `
Exit codes:
  0  success
  1  the answer is no: a token failed verification, or reconciliation left items for review
  2  bad usage or input (the message says what to fix)
  3  internal error

Add --json to any command for machine-readable output on stdout.`;

function buildProgram(ctx: CommandContext): Command {
  const program = new Command('tallystick')
    .description('Offline checkout tools: keys, signed QR tokens, reconciliation and reservation math.')
    .version('0.1.0', '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_FOOTER)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.out(text.replace(/\n$/, '')),
      writeErr: (text) => ctx.io.err(text.replace(/\n$/, '')),
    });
  registerKeygen(program, ctx);
  registerTokenCommands(program, ctx);
  registerQr(program, ctx);
  registerReconcile(program, ctx);
  registerAllocate(program, ctx);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the tallystick CLI with `argv` (without the node and script paths) and
 * resolves to its exit code instead of exiting, so it can be embedded and tested.
 *
 * @example
 * ```ts
 * import { runCli } from '@tallystick/cli';
 * const code = await runCli(['allocate', '--stock', '160', '--rate', 'a=30', '--window', '2h', '--json']);
 * ```
 */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exit: number = EXIT.ok;
  const ctx: CommandContext = { io, setExit: (code) => (exit = Math.max(exit, code)) };
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to the user.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      return EXIT.usage;
    }
    const code = (error as { code?: unknown }).code;
    if (error instanceof RangeError || error instanceof TypeError || typeof code === 'string') {
      io.err(`error: ${(error as Error).message}`);
      return EXIT.usage;
    }
    io.err(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.internal;
  }
}
