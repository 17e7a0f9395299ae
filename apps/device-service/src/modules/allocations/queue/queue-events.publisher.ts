import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type QueueExpiredEventData,
  type QueueFulfilledEventData,
  type QueueRefusedEventData,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { QueueEntryRecord } from './queue-entry-record';

/** The queue's events, written to the outbox in the caller's transaction. Aggregate: the entry. */
@Injectable()
export class QueueEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  async fulfilled(entry: QueueEntryRecord, allocation: { id: string; deviceId: string }): Promise<void> {
    const data: QueueFulfilledEventData = {
      ...base(entry),
      allocationId: allocation.id,
      deviceId: allocation.deviceId,
    };
    await this.events.publish({ type: DOMAIN_EVENTS.queueFulfilled, aggregateId: entry.id, data });
  }

  async refused(entry: QueueEntryRecord, code: string): Promise<void> {
    const data: QueueRefusedEventData = { ...base(entry), code };
    await this.events.publish({ type: DOMAIN_EVENTS.queueRefused, aggregateId: entry.id, data });
  }

  async expired(entries: QueueEntryRecord[]): Promise<void> {
    await this.events.publish(
      entries.map((entry) => ({
        type: DOMAIN_EVENTS.queueExpired,
        aggregateId: entry.id,
        data: base(entry) satisfies QueueExpiredEventData,
      })),
    );
  }
}

function base(entry: QueueEntryRecord): QueueExpiredEventData {
  const end = entry.endedAt ?? entry.expiresAt;
  return {
    entryId: entry.id,
    userId: entry.userId,
    tenantId: entry.tenantId,
    waitedSeconds: Math.max(0, Math.round((end.getTime() - entry.enqueuedAt.getTime()) / 1000)),
  };
}
