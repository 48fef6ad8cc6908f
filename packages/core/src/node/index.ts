/**
 * @packageDocumentation
 * Node durability primitives shared by tallystick's file-backed stores: an
 * injectable file-system seam, short-write-safe write loops, fsync rules
 * (directory sync, atomic durable replace) and one lock file implementation.
 * Node only (`node:` imports); the main `@tallystick/core` entry stays
 * runtime-agnostic.
 */

export { syncDirectory, writeFileDurably } from './durable.js';
export {
  errorCode,
  type FileHandleLike,
  type FileSystem,
  nodeFileSystem,
  readAt,
  writeFully,
  writeFullySync,
} from './fs.js';
export { acquireLockFile, type HeldLock, isProcessAlive, type LockFileOptions } from './lock-file.js';
