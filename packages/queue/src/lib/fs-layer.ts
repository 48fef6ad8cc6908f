// The file-system seam and write loops live once, in @tallystick/core/node; the queue's modules import them from here.
export {
  errorCode,
  type FileHandleLike,
  type FileSystem,
  nodeFileSystem,
  readAt,
  syncDirectory,
  writeFully,
  writeFullySync,
} from '@tallystick/core/node';
