import type { DeviceRequirements, ReservationResponse, ReservationStatus } from '@cloudphone/contracts';

/** One reservation as the module reads it (from device_reservation_states, migration 0007). */
export interface ReservationRecord {
  id: string;
  userId: string;
  tenantId: string;
  status: ReservationStatus;
  deviceId: string;
  requestedDeviceId: string | null;
  requirements: DeviceRequirements;
  startAt: Date;
  endAt: Date;
  note: string | null;
  failureCode: string | null;
  remindedAt: Date | null;
  activatedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  cancellationFeeSeconds: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdAt: Date;
}

/** A booking to make: who, for which device or spec, which slot. */
export interface SlotRequest {
  id: string;
  userId: string;
  tenantId: string;
  deviceId: string | null;
  requirements: DeviceRequirements;
  startAt: Date;
  endAt: Date;
  note: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

/** The spec of the device a slot is on: what quota counts and billing prices. */
export interface SlotDevice {
  deviceId: string;
  region: string;
  androidVersion: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
}

export type BookingOutcome =
  | { kind: 'booked'; reservation: ReservationRecord; device: SlotDevice }
  /** No device meets the request for the whole slot (or the named one is taken then). */
  | { kind: 'none' }
  /** A concurrent booking took the slot the statement chose: try again. */
  | { kind: 'lost-race' }
  /**
   * The statement found no device it could lock, yet a qualifying device is free for the slot: every
   * one was row-locked by another transaction (a concurrent booking or claim, a job writing the row)
   * when the statement passed it over. Not an answer: try again.
   */
  | { kind: 'skipped' }
  | { kind: 'key-taken' };

export function slotMinutes(reservation: { startAt: Date; endAt: Date }): number {
  return Math.ceil((reservation.endAt.getTime() - reservation.startAt.getTime()) / 60_000);
}

export function toReservationResponse(record: ReservationRecord): ReservationResponse {
  return {
    id: record.id,
    userId: record.userId,
    tenantId: record.tenantId,
    status: record.status,
    deviceId: record.deviceId,
    requestedDeviceId: record.requestedDeviceId,
    requirements: record.requirements,
    startAt: record.startAt.toISOString(),
    endAt: record.endAt.toISOString(),
    durationMinutes: slotMinutes(record),
    note: record.note,
    failureCode: record.failureCode,
    activatedAt: record.activatedAt?.toISOString() ?? null,
    cancelledAt: record.cancelledAt?.toISOString() ?? null,
    cancelReason: record.cancelReason,
    cancellationFeeSeconds: record.cancellationFeeSeconds,
    createdAt: record.createdAt.toISOString(),
  };
}
