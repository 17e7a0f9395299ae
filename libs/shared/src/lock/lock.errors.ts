import { AppError } from '../errors/app-error';

/** Errors of the distributed lock; their codes are stable. */
export const LockErrors = {
  /** Redis did not answer (down, timed out): nothing may run as if it held the lock. */
  backendUnavailable: (resource: string, cause: string) =>
    new AppError(
      'LOCK_BACKEND_UNAVAILABLE',
      503,
      `Lock backend unavailable while locking ${resource}: ${cause}`,
      {
        resource,
      },
    ),
  busy: (resource: string) =>
    new AppError('LOCK_BUSY', 409, `${resource} is locked by someone else; try again later`, { resource }),
  lost: (resource: string, reason: string) =>
    new AppError('LOCK_LOST', 409, `Lost the lock on ${resource} (${reason})`, { resource }),
  /** The in-process driver cannot coordinate several processes; refusing beats running jobs N times. */
  inProcessDriverRefused: (signal: string) =>
    new Error(
      `COORDINATION_DRIVER=memory refused: this process looks like one of several instances (${signal}). ` +
        'In-process locks and cron claims would let every instance run the same job; use COORDINATION_DRIVER=redis.',
    ),
};
