import { AsyncContextKey } from '../concurrency/async-context';
import type { HeldLock } from './lock.types';

export const heldLockStorage = new AsyncContextKey<HeldLock>('held lock');

/**
 * The lock held by the surrounding `withLock` / `@Lock` call, if any: its fencing token and the
 * signal that fires when it is lost. Lets a `@Lock` method reach them without extra parameters.
 */
export function currentLock(): HeldLock | undefined {
  return heldLockStorage.getStore();
}
