import type { DeviceRequirements, UserTier } from '@cloudphone/contracts';

/** Where each tier starts in the queue: ten minutes of waiting make up one tier. */
export const TIER_BASE_PRIORITY: Readonly<Record<UserTier, number>> = {
  free: 0,
  standard: 10,
  pro: 20,
  enterprise: 30,
};

/**
 * An entry's priority at `now`: its tier's base plus `agingPerMinute` for every whole minute it
 * has waited, so an entry of any tier eventually outranks every newer one and nobody starves: with
 * the defaults a free entry passes new pro entries after 20 minutes, new enterprise ones after 30.
 */
export function effectivePriority(
  basePriority: number,
  enqueuedAt: Date,
  now: Date,
  agingPerMinute: number,
): number {
  const waitedMinutes = Math.max(0, Math.floor((now.getTime() - enqueuedAt.getTime()) / 60_000));
  return basePriority + waitedMinutes * agingPerMinute;
}

/** The SQL form of effectivePriority, for ordering rows of device_queue_entries at `now` ($n). */
export const effectivePrioritySql = (now: string, aging: string) =>
  `(base_priority + FLOOR(GREATEST(0, EXTRACT(EPOCH FROM (${now}::timestamptz - enqueued_at))) / 60)::integer * ${aging})`;

/**
 * A rough wait: the devices that could serve the queue free up, on average, every
 * `averageMinutes / rentableDevices` minutes, and `position` entries are served in turn.
 */
export function estimatedWaitMinutes(
  position: number,
  averageMinutes: number,
  rentableDevices: number,
): number {
  return Math.ceil((position * averageMinutes) / Math.max(1, rentableDevices));
}

/**
 * Whether every device meeting `narrower` also meets `wider`: then, when `wider` found no device,
 * `narrower` finds none either, and a serving pass skips it (a device freed meanwhile goes to the
 * higher-priority `wider` at the next pass instead of to `narrower` now).
 */
export function requirementsImply(narrower: DeviceRequirements, wider: DeviceRequirements): boolean {
  return (
    (narrower.cpuCores ?? 1) >= (wider.cpuCores ?? 1) &&
    (narrower.memoryMb ?? 0) >= (wider.memoryMb ?? 0) &&
    (narrower.storageGb ?? 0) >= (wider.storageGb ?? 0) &&
    (wider.region === undefined || narrower.region === wider.region) &&
    (wider.androidVersion === undefined || narrower.androidVersion === wider.androidVersion)
  );
}
