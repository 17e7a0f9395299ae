import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type DeliveryVerdict,
  OutboxDeliveries,
  type OutboxDestination,
  type OutboxMessage,
  mapInParallel,
} from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { ErrorLog } from '../error-log';
import { DELIVERY_CHANNELS, type ChannelOutcome, type DeliveryChannelName } from './delivery-channel';
import { DeliveryChannels } from './delivery-channels.registry';
import type { DeliveryRound } from './delivery-record';
import { deliveryDestination, roundOf } from './delivery-rounds';
import { settleAttempt } from './delivery-settlement';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository } from './deliveries.repository';

/** One attempt holds its record this long; a process that died mid-send frees it after that. */
const SEND_LEASE_MS = 60_000;
/** Deliveries of one channel attempted at once by one process. */
const PARALLEL_SENDS = 8;

/**
 * The outbox destinations of the channels (`notification-email`, `-webhook`, `-push`): an outbox
 * message asks for one round of one delivery record. Each attempt leases the record, sends through
 * the channel and settles the record in one conditional statement; the message is settled
 * (`delivered`) once its round is over, whatever the outcome, because the record is then the
 * dead letter (replayed from GET/POST /notifications/deliveries), and deferred while the round
 * still has attempts, so the outbox backoff spaces them.
 *
 * Why a lease and not a transaction around the send: a send may take seconds (SMTP, a slow webhook)
 * and no connection should stay open that long. A process killed between sending and settling
 * sends again after the lease: receivers deduplicate by the delivery id (X-Cloudphone-Delivery,
 * Message-ID), which never changes.
 */
@Injectable()
export class DeliveryOutboxDestinations implements OnModuleInit {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly outbox: OutboxDeliveries,
    private readonly channels: DeliveryChannels,
    private readonly deliveries: DeliveriesRepository,
    private readonly metrics: DeliveriesMetrics,
    private readonly config: NotificationServiceConfig,
    private readonly errors: ErrorLog,
  ) {}

  onModuleInit(): void {
    for (const channel of DELIVERY_CHANNELS) {
      const destination: OutboxDestination = {
        name: deliveryDestination(channel),
        deliver: (messages) =>
          mapInParallel(messages, PARALLEL_SENDS, (message) => this.attempt(channel, message)),
      };
      this.outbox.register(destination);
    }
  }

  private async attempt(channelName: DeliveryChannelName, message: OutboxMessage): Promise<DeliveryVerdict> {
    const round = roundOf(message);
    if (!round) return { result: 'rejected', error: 'not a delivery round message' };
    const channel = this.channels.get(channelName);
    if (!channel)
      return { result: 'deferred', error: `channel ${channelName} is not running in this process` };
    const record = await this.deliveries.claim(round, SEND_LEASE_MS);
    if (!record) {
      // Settled, a later round, or another process is sending it now (then check again later).
      return (await this.deliveries.isSettled(round))
        ? { result: 'delivered' }
        : {
            result: 'deferred',
            error: 'another process is sending this delivery',
            retryAfterMs: SEND_LEASE_MS,
          };
    }
    const stopTimer = this.metrics.sendSeconds.startTimer({ channel: channelName });
    const outcome = await channel.send(record).catch((error: unknown): ChannelOutcome => ({
      result: 'failed',
      error: (error as Error)?.message ?? String(error),
      code: 'CHANNEL_ERROR',
      permanent: false,
    }));
    stopTimer();
    return this.settle(round, record.attempts, outcome);
  }

  private async settle(
    round: DeliveryRound,
    attemptsBefore: number,
    outcome: ChannelOutcome,
  ): Promise<DeliveryVerdict> {
    const settlement = settleAttempt(outcome, attemptsBefore, this.config.deliveryMaxAttempts);
    const context = { deliveryId: round.id, channel: round.channel, round: round.round };
    switch (settlement.status) {
      case 'delivered':
        await this.deliveries.markDelivered(round);
        this.metrics.attempts.inc({ channel: round.channel, outcome: 'delivered' });
        this.logger.log({ msg: 'notification delivered', ...context });
        return { result: 'delivered' };
      case 'pending':
        await this.deliveries.markAttemptFailed(round, settlement.error);
        this.metrics.attempts.inc({ channel: round.channel, outcome: 'retry' });
        this.logger.warn({
          msg: 'notification delivery failed; will retry',
          ...context,
          error: settlement.error,
        });
        return { result: 'deferred', error: settlement.error, retryAfterMs: settlement.retryAfterMs };
      case 'failed':
        await this.deliveries.markFailed(
          round,
          settlement.error,
          this.config.deliveryRetryIntervalMinutes * 60_000,
        );
        await this.countForDigest(round, outcome, settlement.error);
        this.metrics.attempts.inc({ channel: round.channel, outcome: 'failed' });
        this.logger.error({ msg: 'notification delivery round failed', ...context, error: settlement.error });
        return { result: 'delivered' };
      case 'dead':
        await this.deliveries.markDead(round, settlement.error);
        await this.countForDigest(round, outcome, settlement.error);
        this.metrics.attempts.inc({ channel: round.channel, outcome: 'dead' });
        this.logger.error({
          msg: 'notification delivery dead-lettered',
          ...context,
          error: settlement.error,
        });
        return { result: 'delivered' };
    }
  }

  /** A round that failed or died is an operator's concern (a skip is not: nothing was wrong). */
  private async countForDigest(round: DeliveryRound, outcome: ChannelOutcome, error: string): Promise<void> {
    if (outcome.result !== 'failed') return;
    await this.errors
      .record(`delivery:${round.channel}`, outcome.code, error)
      .catch((err: unknown) => this.logger.warn({ msg: 'could not count a delivery failure', err }));
  }
}
