// SQL fragments the reservation repositories share: each written once, so booking, moving and
// checking a slot cannot disagree about which devices qualify or what overlaps.
import { IN_SERVICE_SQL } from '../../devices';
import { nodeAdmits } from '../placement-sql';

/**
 * Devices `d` that may hold a slot: in service (held or being wiped is fine: a device in maintenance or
 * failed takes no new bookings) on no node or a schedulable untainted one and, with $spec parameters, meeting the spec. `cpu`, `memory`, `storage`, `region` and
 * `android` name the parameters.
 */
export const qualifyingDevice = (p: {
  cpu: string;
  memory: string;
  storage: string;
  region: string;
  android: string;
}) =>
  `${IN_SERVICE_SQL} AND d.health = 'healthy' AND ${nodeAdmits(`'{}'::text[]`)}
   AND d.cpu_cores >= ${p.cpu} AND d.memory_mb >= ${p.memory} AND d.storage_gb >= ${p.storage}
   AND (${p.region}::text IS NULL OR d.region = ${p.region}) AND (${p.android}::text IS NULL OR d.android_version = ${p.android})`;

/**
 * No live claim of device `d` other than `$except` overlaps [start, end): the exclusion constraint's
 * own test, asked first so a booking picks a device that fits. OFFSET 0 keeps it a probe per device
 * (device_allocations_live_idx), as in the allocate claim.
 */
export const slotFree = (start: string, end: string, except = 'NULL') =>
  `NOT EXISTS (
     SELECT 1 FROM device_allocations a
     WHERE a.device_id = d.id AND a.ended_at IS NULL AND a.id IS DISTINCT FROM ${except}::uuid
       AND a.period && tstzrange(${start}::timestamptz, ${end}::timestamptz)
     OFFSET 0
   )`;

/** The unique and exclusion constraints a slot statement may run into (migrations 0003, 0007). */
export const SLOT_CONSTRAINTS = {
  noOverlap: 'device_allocations_no_overlap',
  fencing: 'device_allocations_device_fencing_key',
  idempotencyKey: 'device_reservations_idempotency_key',
} as const;
