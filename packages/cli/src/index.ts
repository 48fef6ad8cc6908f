/**
 * @packageDocumentation
 * The `tallystick` command line, also callable in-process through {@link runCli}.
 */
export { runCli, type CommandContext } from './program.js';
export type { Io } from './lib/io.js';
export { EXIT } from './lib/exit.js';
