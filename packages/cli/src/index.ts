/**
 * @packageDocumentation
 * The `tallystick` command line, also callable in-process through {@link runCli}.
 */

export { EXIT } from './lib/exit.js';
export type { Io } from './lib/io.js';
export { type CommandContext, runCli } from './program.js';
