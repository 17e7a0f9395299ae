import { Injectable, Logger } from '@nestjs/common';
import {
  type AllocationEndReason,
  DOMAIN_EVENTS,
  type EventEnvelope,
  type UserDeletedEventData,
  type UserSuspendedEventData,
  type UserTierChangedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { ReleaseAllocationUseCase } from '../release-allocation.use-case';
import { QueueUseCase } from '../queue/queue.use-case';
import { ChangeReservationUseCase } from '../reservations/change-reservation.use-case';

/**
 * user-service's events (§5 event consumers): a suspended or deleted user's allocations end now,
 * billed to this moment, and their reservations and queue entries are cancelled free of charge; a
 * tier change moves their waiting queue entries to the new tier's priority (extensions read the
 * tier from user-service when they are asked for). Each runs in the consumer's transaction with the
 * inbox row, so once per event.
 */
@Injectable()
export class UserEventsHandler {
  private readonly logger = new Logger(UserEventsHandler.name);

  constructor(
    private readonly release: ReleaseAllocationUseCase,
    private readonly reservations: ChangeReservationUseCase,
    private readonly queue: QueueUseCase,
  ) {}

  @OnEvent(DOMAIN_EVENTS.userSuspended)
  onSuspended(event: EventEnvelope<UserSuspendedEventData>): Promise<void> {
    return this.endEverything(event.data.userId, 'user_suspended');
  }

  @OnEvent(DOMAIN_EVENTS.userDeleted)
  onDeleted(event: EventEnvelope<UserDeletedEventData>): Promise<void> {
    return this.endEverything(event.data.userId, 'user_deleted');
  }

  @OnEvent(DOMAIN_EVENTS.userTierChanged)
  async onTierChanged(event: EventEnvelope<UserTierChangedEventData>): Promise<void> {
    const moved = await this.queue.retier(event.data.userId, event.data.tier);
    if (moved > 0)
      this.logger.log({ msg: 'queue entries moved to a new tier', userId: event.data.userId, moved });
  }

  private async endEverything(userId: string, reason: AllocationEndReason): Promise<void> {
    const ended = await this.release.releaseAllOfUser(userId, reason);
    const cancelled = await this.reservations.cancelAllOfUser(userId, reason);
    const left = await this.queue.cancelAllOfUser(userId);
    if (ended.length > 0 || cancelled.length > 0 || left > 0) {
      this.logger.warn({
        msg: `${reason}: allocations released, reservations cancelled`,
        userId,
        allocations: ended.map((allocation) => allocation.id),
        reservations: cancelled.map((reservation) => reservation.id),
        queueEntries: left,
      });
    }
  }
}
