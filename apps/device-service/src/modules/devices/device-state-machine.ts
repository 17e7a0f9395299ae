import type { DeviceStatus } from '@cloudphone/contracts';

/**
 * Every move a device may make (README: "Device state machine"). The statements that move devices
 * check the current status in their WHERE clause, so two racing moves cannot both apply; this table
 * is what the admin and power paths check before they try, to answer an illegal move with a 409
 * that names both states.
 *
 * `available` is entered from `provisioning` (a new device) and `resetting` (a confirmed wipe)
 * only: a device coming back from maintenance or a failure goes through a reset first, so no renter
 * ever gets a device that was not wiped after the previous one.
 */
export const DEVICE_TRANSITIONS: Readonly<Record<DeviceStatus, readonly DeviceStatus[]>> = {
  provisioning: ['available', 'failed', 'retired'],
  available: ['allocated', 'maintenance', 'failed', 'retired'],
  allocated: ['resetting', 'failed', 'maintenance'],
  // retired: released on a draining node, it leaves instead of being wiped for the next renter.
  resetting: ['available', 'failed', 'retired'],
  maintenance: ['resetting', 'failed', 'retired'],
  failed: ['resetting', 'maintenance', 'retired'],
  retired: [],
};

export function canMove(from: DeviceStatus, to: DeviceStatus): boolean {
  return DEVICE_TRANSITIONS[from].includes(to);
}

/**
 * Where an admin's "put it back in the pool" (`status: available`) leads from `from`: straight to
 * `available` is only possible for a device that never had a renter or was just wiped, so from
 * maintenance or failed it is `resetting`, and the hand-over makes it available once wiped.
 */
export function returnToPoolTarget(from: DeviceStatus): DeviceStatus {
  return from === 'maintenance' || from === 'failed' ? 'resetting' : 'available';
}

/** Devices that serve renters now or soon (held, being wiped): they may take bookings. */
export const IN_SERVICE_STATUSES: readonly DeviceStatus[] = ['available', 'allocated', 'resetting'];

/** `d.status` is one of IN_SERVICE_STATUSES, for SQL. */
export const IN_SERVICE_SQL = `d.status IN (${IN_SERVICE_STATUSES.map((status) => `'${status}'`).join(', ')})`;
