import { Injectable } from '@nestjs/common';
import {
  type AllocationExpiringEventData,
  type AllocationExtendedEventData,
  type AllocationFailedEventData,
  type AllocationMovedEventData,
  DOMAIN_EVENTS,
  type DeviceAllocatedEventData,
  deviceSpecOf,
} from '@cloudphone/contracts';
import { EventPublisher, type NewOutboxRow } from '@cloudphone/shared';
import type { ExtensionRecord } from './allocation-extension';
import type { AllocationRecord } from './allocation-record';

/**
 * Every event the allocation module publishes, built here from allocation records and written to
 * the outbox through EventPublisher, inside the caller's transaction (so an event exists if and
 * only if the change it announces committed). Use cases say what happened; this file says how it
 * looks on the wire: one payload class per event in libs/contracts/src/events. The exception is
 * the end of an allocation (`device.released`, `allocation.expired`): its statement builds the
 * event from the rows it ends (allocation-ending-sql.ts), in the same round trip.
 */
@Injectable()
export class AllocationEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `device.allocated`: the allocation just became active. */
  async allocated(allocation: AllocationRecord): Promise<void> {
    await this.events.publish({
      type: DOMAIN_EVENTS.deviceAllocated,
      aggregateId: allocation.deviceId,
      data: allocatedData(allocation),
    });
  }

  /**
   * `device.allocated` for a claim about to be activated, as the outbox row its activation statement
   * writes itself (one round trip; the statement merges in the start and expiry it records). Call
   * `written()` once that statement committed.
   */
  allocatedRow(claim: AllocationRecord): NewOutboxRow {
    return this.events.prepare({
      type: DOMAIN_EVENTS.deviceAllocated,
      aggregateId: claim.deviceId,
      data: allocatedData(claim),
    });
  }

  /** `allocation.extended`, as the outbox row the extend statement writes itself (then `written()`). */
  extendedRow(allocation: AllocationRecord, extension: ExtensionRecord): NewOutboxRow {
    const data: AllocationExtendedEventData = {
      allocationId: allocation.id,
      deviceId: allocation.deviceId,
      userId: allocation.userId,
      tenantId: allocation.tenantId,
      extensionId: extension.id,
      additionalMinutes: extension.additionalMinutes,
      previousExpiresAt: extension.previousExpiresAt.toISOString(),
      expiresAt: extension.expiresAt.toISOString(),
      sequence: extension.sequence,
    };
    return this.events.prepare({ type: DOMAIN_EVENTS.allocationExtended, aggregateId: allocation.id, data });
  }

  /** `allocation.moved`: failover put the allocation on another device (new fencing token, new access). */
  async moved(allocation: AllocationRecord, fromDeviceId: string): Promise<void> {
    const data: AllocationMovedEventData = {
      allocationId: allocation.id,
      deviceId: allocation.deviceId,
      userId: allocation.userId,
      tenantId: allocation.tenantId,
      fromDeviceId,
      fencingToken: allocation.fencingToken,
      expiresAt: allocation.expiresAt.toISOString(),
    };
    await this.events.publish({ type: DOMAIN_EVENTS.allocationMoved, aggregateId: allocation.id, data });
  }

  /** Wakes the relay for events a statement wrote itself (`allocatedRow`, `extendedRow`, and the ends of allocation-ending-sql.ts). */
  written(): Promise<void> {
    return this.events.written();
  }

  /** `allocation.failed`: a claimed device was not handed over, and why (the refusal's code). */
  async failed(claim: AllocationRecord, code: string): Promise<void> {
    const data: AllocationFailedEventData = {
      allocationId: claim.id,
      deviceId: claim.deviceId,
      userId: claim.userId,
      tenantId: claim.tenantId,
      code,
    };
    await this.events.publish({ type: DOMAIN_EVENTS.allocationFailed, aggregateId: claim.id, data });
  }

  /** `allocation.expiring` for each allocation just marked as warned for its current end. */
  async expiring(allocations: AllocationRecord[], now: Date): Promise<void> {
    await this.events.publish(
      allocations.map((allocation) => ({
        type: DOMAIN_EVENTS.allocationExpiring,
        aggregateId: allocation.id,
        data: expiringData(allocation, now),
      })),
    );
  }
}

function allocatedData(allocation: AllocationRecord): DeviceAllocatedEventData {
  return {
    allocationId: allocation.id,
    deviceId: allocation.deviceId,
    userId: allocation.userId,
    tenantId: allocation.tenantId,
    region: allocation.region,
    ...deviceSpecOf(allocation),
    startedAt: allocation.startedAt.toISOString(),
    expiresAt: allocation.expiresAt.toISOString(),
    fencingToken: allocation.fencingToken,
  };
}

function expiringData(allocation: AllocationRecord, now: Date): AllocationExpiringEventData {
  return {
    allocationId: allocation.id,
    deviceId: allocation.deviceId,
    userId: allocation.userId,
    tenantId: allocation.tenantId,
    expiresAt: allocation.expiresAt.toISOString(),
    minutesLeft: Math.max(0, Math.ceil((allocation.expiresAt.getTime() - now.getTime()) / 60_000)),
  };
}
