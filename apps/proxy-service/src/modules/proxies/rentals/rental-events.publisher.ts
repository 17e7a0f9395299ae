import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type ProxyAcquiredEventData,
  type ProxyReleasedEventData,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { RentalRecord } from './rental-record';

/**
 * Every event the rentals module publishes, built from rental records and written to the outbox
 * inside the caller's transaction (an event exists if and only if the change committed). Ordered
 * per proxy: one proxy's release always reaches consumers before its next acquire.
 */
@Injectable()
export class RentalEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `proxy.acquired`: a rental started. */
  async acquired(rental: RentalRecord): Promise<void> {
    const data: ProxyAcquiredEventData = {
      ...rentalFields(rental),
      startedAt: rental.startedAt.toISOString(),
      expiresAt: rental.expiresAt.toISOString(),
    };
    await this.events.publish({ type: DOMAIN_EVENTS.proxyAcquired, aggregateId: rental.proxyId, data });
  }

  /** `proxy.released` for each rental that just ended. */
  async released(rentals: RentalRecord[]): Promise<void> {
    if (rentals.length === 0) return;
    await this.events.publish(
      rentals.map((rental) => {
        const data: ProxyReleasedEventData = {
          ...rentalFields(rental),
          startedAt: rental.startedAt.toISOString(),
          endedAt: rental.endedAt!.toISOString(),
          reason: rental.endReason!,
        };
        return { type: DOMAIN_EVENTS.proxyReleased, aggregateId: rental.proxyId, data };
      }),
    );
  }
}

function rentalFields(rental: RentalRecord) {
  return {
    userId: rental.userId,
    tenantId: rental.tenantId,
    rentalId: rental.id,
    proxyId: rental.proxyId,
    allocationId: rental.allocationId,
    countryCode: rental.countryCode,
    type: rental.type,
  };
}
