import { readFileSync } from 'node:fs';
import { UsageError } from './exit.js';

/**
 * Where commands write, so tests and embedders can capture output without
 * spawning a process.
 *
 * @example
 * ```ts
 * import { runCli, type Io } from '@tallystick/cli';
 * const lines: string[] = [];
 * const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
 * await runCli(['--version'], io);
 * ```
 */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal, which decides if a progress bar is drawn. */
  isTTY: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`,
    );
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${path} is not valid JSON`);
  }
}

/** Parses "90s", "15m", "2h", "1d" or plain milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration like 90s, 15m, 2h or 1d, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms') as 'ms'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms <= 0) throw new UsageError(`${flag} must be greater than zero`);
  return ms;
}

/** Parses an ISO 8601 instant or epoch milliseconds. */
export function parseInstant(text: string, flag: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag} must be an ISO 8601 time or epoch milliseconds, got "${text}"`);
  return ms;
}
