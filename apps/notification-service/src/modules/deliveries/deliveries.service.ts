import { Injectable, Logger } from '@nestjs/common';
import type { DeliveryResponse } from '@cloudphone/contracts';
import {
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
  actorOf,
  actsForEveryone,
  listOwnerFor,
  mayActFor,
} from '@cloudphone/shared';
import type { DeliveryRecord } from './delivery-record';
import { DeliveryErrors } from './deliveries.errors';
import { DeliveriesRepository } from './deliveries.repository';
import { NotificationDispatcher } from './notification-dispatcher.service';

/** Reading delivery records, and an admin's replay of one. */
@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly transactions: TransactionRunner,
  ) {}

  async list(principal: Principal, query: ListQuery): Promise<Page<DeliveryResponse>> {
    const requested = query.filters.find((filter) => filter.name === 'userId');
    const owner = listOwnerFor(
      principal,
      requested ? String(requested.value) : undefined,
      DeliveryErrors.otherUsers,
    );
    if (owner !== undefined && !requested) {
      query.filters.push({ name: 'userId', column: 'userId', operator: '=', value: owner });
    }
    const page = await this.deliveries.list(query);
    return { ...page, items: page.items.map(toDeliveryResponse) };
  }

  async get(principal: Principal, id: string): Promise<DeliveryResponse> {
    const record = await this.deliveries.findById(id);
    if (!record || !mayRead(principal, record)) throw DeliveryErrors.notFound(id);
    return toDeliveryResponse(record);
  }

  /**
   * Sends a delivery again as a new round with the same delivery id (receivers recognise it), in
   * any state: a dead letter after the receiver was fixed, or a delivered one the receiver lost.
   */
  async replay(principal: Principal, id: string): Promise<DeliveryResponse> {
    const replayed = await this.transactions.run(async () => {
      const round = await this.deliveries.startReplay(id);
      if (round) await this.dispatcher.queueRounds([round]);
      return round;
    });
    if (!replayed) {
      if (await this.deliveries.findById(id)) throw DeliveryErrors.contentGone(id);
      throw DeliveryErrors.notFound(id);
    }
    this.logger.log({
      msg: 'delivery replayed',
      deliveryId: id,
      round: replayed.round,
      by: actorOf(principal),
    });
    return this.get(principal, id);
  }
}

function mayRead(principal: Principal, record: DeliveryRecord): boolean {
  // Operator email (no user) is for those who see everyone's records.
  return record.userId === null ? actsForEveryone(principal) : mayActFor(principal, record.userId);
}

export function toDeliveryResponse(record: DeliveryRecord): DeliveryResponse {
  return {
    id: record.id,
    userId: record.userId,
    channel: record.channel,
    eventType: record.eventType,
    target: record.target,
    status: record.status,
    round: record.round,
    attempts: record.attempts,
    totalAttempts: record.totalAttempts,
    lastError: record.lastError,
    nextRetryAt: record.nextRetryAt?.toISOString() ?? null,
    deliveredAt: record.deliveredAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
