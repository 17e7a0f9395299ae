import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { DeliveriesRepository } from './deliveries.repository';
import { NotificationDispatcher } from './notification-dispatcher.service';

/** Rounds started per transaction by retry-failed-deliveries. */
const RETRY_BATCH = 200;
/** Records deleted per statement by cleanup-delivery-records. */
const CLEANUP_BATCH = 5000;

/** What the delivery jobs do, with the settings jobs may not read themselves. */
@Injectable()
export class DeliveryMaintenance {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly transactions: TransactionRunner,
    private readonly config: NotificationServiceConfig,
  ) {}

  /**
   * One batch of failed deliveries due again: each gets a new round, queued in the outbox in the
   * transaction that starts it (so a crash loses neither). Returns how many started.
   */
  retryDueBatch(): Promise<number> {
    return this.transactions.run(async () => {
      const rounds = await this.deliveries.startDueRounds(this.config.deliveryRetryWindowHours, RETRY_BATCH);
      await this.dispatcher.queueRounds(rounds);
      return rounds.length;
    });
  }

  /** Failed deliveries past the retry window become dead letters. */
  expireFailed(): Promise<number> {
    return this.deliveries.expireFailed(this.config.deliveryRetryWindowHours);
  }

  /** One batch of settled records past the retention; returns how many were deleted. */
  deleteSettledBatch(): Promise<number> {
    return this.deliveries.deleteSettled(this.config.deliveryRecordRetentionDays, CLEANUP_BATCH);
  }

  /** Whether a batch was full, so there may be more. */
  static isFull(count: number, kind: 'retry' | 'cleanup'): boolean {
    return count >= (kind === 'retry' ? RETRY_BATCH : CLEANUP_BATCH);
  }
}
