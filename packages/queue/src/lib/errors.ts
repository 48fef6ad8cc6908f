import { isConnectionFailure, TallystickError } from '@tallystick/core';

/**
 * Tells whether a platform error means "no space left": a full disk or quota
 * (ENOSPC, EDQUOT, EFBIG), SQLite's SQLITE_FULL, a browser QuotaExceededError,
 * or Postgres SQLSTATE 53100 (disk_full).
 */
export function isOutOfSpace(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'EFBIG' ||
    code === 'SQLITE_FULL' ||
    code === '53100'
  ) {
    return true;
  }
  if (name === 'QuotaExceededError') return true;
  // IndexedDB reports quota through a transaction's error, which may be wrapped.
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isOutOfSpace(cause);
}

/** Wraps a storage failure in the stable error callers switch on. */
export function toStoreError(error: unknown, what: string): TallystickError {
  if (error instanceof TallystickError) return error;
  if (isOutOfSpace(error)) {
    return new TallystickError(
      'QUEUE_STORAGE_FULL',
      `${what} failed: storage is full; nothing of this operation was stored and earlier intents are intact`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  if (isConnectionFailure(error)) {
    // The database is down or dropped the connection: retry later; nothing of this operation was stored.
    return new TallystickError('ERR_SERVICE_UNAVAILABLE', `${what} failed: unavailable (${detail})`, {
      cause: error,
    });
  }
  return new TallystickError('ERR_STORE', `${what} failed: ${detail}`, { cause: error });
}

/** The error a closed store or queue throws on use. */
export function closedError(what: string): TallystickError {
  return new TallystickError('ERR_QUEUE_CLOSED', `${what}: the queue or store is closed`);
}
