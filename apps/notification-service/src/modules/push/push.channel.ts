import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { PushNotificationMessage } from '@cloudphone/contracts';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import {
  type ChannelOutcome,
  DeliveryChannels,
  type DeliveryToSend,
  type NotificationChannel,
  deliveredNotification,
} from '../deliveries';
import { channelRuleOf } from '../preferences';
import { PushGateway, PushNotSentError } from './push.gateway';

/** What a push of this delivery carries. */
export function pushMessage(delivery: DeliveryToSend): PushNotificationMessage {
  return { deliveryId: delivery.id, ...deliveredNotification(delivery) };
}

/**
 * The `push` channel: one target per user (''), sent to the user's sockets on every replica.
 *
 * `delivered` means the push left this process: this replica's sockets got it and Redis accepted
 * the PUBLISH to the others. Nothing acknowledges a push (a user with no socket open gets nothing,
 * and the inbox keeps the notification for the next sync), so that is the most that can be known.
 *
 * A push is worth sending only soon after the fact. A transient failure (Redis unreachable, the
 * server not running here yet) is retried within the delivery's first round, DELIVERY_MAX_ATTEMPTS
 * attempts with the outbox backoff (about a minute at the defaults); the round's last attempt fails
 * as permanent, so the delivery ends `dead` rather than `failed`, and retry-failed-deliveries does
 * not push it again a quarter of an hour later. A replayed push gets one attempt the same way.
 */
@Injectable()
export class PushChannel implements NotificationChannel, OnModuleInit {
  readonly name = 'push' as const;

  constructor(
    private readonly channels: DeliveryChannels,
    private readonly gateway: PushGateway,
    private readonly config: NotificationServiceConfig,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
  }

  targetsFor(): Promise<string[]> {
    return Promise.resolve(['']);
  }

  async send(delivery: DeliveryToSend): Promise<ChannelOutcome> {
    if (!delivery.userId) return { result: 'skipped', reason: 'no recipient user' };
    // The preferences never choose push for these (token emails); checked again so a secret can
    // never reach a socket, whatever a stored record says.
    if (!channelRuleOf(delivery.eventType)?.allowed.includes('push')) {
      return { result: 'skipped', reason: `${delivery.eventType} is never pushed` };
    }
    try {
      await this.gateway.pushToUser(delivery.userId, pushMessage(delivery));
      return { result: 'delivered' };
    } catch (error) {
      const lastAttempt = delivery.totalAttempts + 1 >= this.config.deliveryMaxAttempts;
      return {
        result: 'failed',
        code: error instanceof PushNotSentError ? error.code : 'PUSH_FAILED',
        error: `${(error as Error)?.message ?? String(error)}${lastAttempt ? '; not retried later: a late push is of no use, the inbox has the notification' : ''}`,
        permanent: lastAttempt,
      };
    }
  }
}
