import type { PricePlan } from './price-plan';

/**
 * Every version of one currency's plan as read at `readAt` (the database clock of the reading
 * statement, taken while no version was being inserted): complete for any start up to `readAt`,
 * since a version inserted later is in force only from its own, later, insertion time.
 */
export interface PricePlanVersions {
  /** Oldest first: by effective time, then version. */
  versions: PricePlan[];
  readAt: Date;
  /** This process's clock when they were read, for the age of a "now" answer. */
  readAtLocalMs: number;
}

/**
 * The plan that prices usage starting at `at`: the latest version in force then or, for a start
 * before the first version, that first version (a report held back while no plan existed is priced
 * once one does). Null when the currency has no plan.
 */
export function planInForceAt(versions: readonly PricePlan[], at: Date): PricePlan | null {
  let chosen: PricePlan | null = null;
  for (const plan of versions) {
    if (plan.effectiveFrom.getTime() > at.getTime()) break;
    chosen = plan;
  }
  return chosen ?? versions[0] ?? null;
}

/**
 * Whether versions read earlier answer for a start at `at` exactly (at or before their read), or,
 * for "now" (`at` null: the balance gate's estimate), whether they are at most `nowMaxAgeMs` old.
 */
export function versionsAnswer(
  known: PricePlanVersions,
  at: Date | null,
  nowMs: number,
  nowMaxAgeMs: number,
): boolean {
  if (at) return at.getTime() <= known.readAt.getTime();
  return nowMs - known.readAtLocalMs < nowMaxAgeMs;
}
