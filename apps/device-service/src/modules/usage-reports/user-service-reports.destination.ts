import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { QuotaRestoreRequest, QuotaUsageRequest } from '@cloudphone/contracts';
import {
  type DeliveryOutcome,
  type DeliveryVerdict,
  deliveryVerdictOf,
  type OutboxDestination,
  OutboxDeliveries,
  type OutboxMessage,
} from '@cloudphone/shared';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import { USAGE_REPORT_DESTINATIONS, usageReportKind } from './usage-report';

/** Quota reports sent at once (user-service has no batch call); more wait for a free slot. */
const CONCURRENCY = 10;

/**
 * Quota usage reports and restores for user-service, delivered from the outbox. user-service
 * deduplicates both per allocation, so a report sent twice is harmless.
 */
@Injectable()
export class UserServiceReportsDestination implements OutboxDestination, OnModuleInit {
  readonly name = USAGE_REPORT_DESTINATIONS.quota;

  constructor(
    private readonly quota: QuotaClient,
    private readonly deliveries: OutboxDeliveries,
  ) {}

  onModuleInit(): void {
    this.deliveries.register(this);
  }

  async deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    const verdicts: DeliveryVerdict[] = [];
    for (let index = 0; index < messages.length; index += CONCURRENCY) {
      const chunk = messages.slice(index, index + CONCURRENCY);
      verdicts.push(...(await Promise.all(chunk.map((message) => this.deliverOne(message)))));
    }
    return verdicts;
  }

  private async deliverOne(message: OutboxMessage): Promise<DeliveryVerdict> {
    try {
      return deliveryVerdictOf(await this.call(message));
    } catch (error) {
      return { result: 'deferred', error: (error as Error)?.message ?? String(error) };
    }
  }

  private call(message: OutboxMessage): Promise<DeliveryOutcome<unknown>> {
    switch (usageReportKind(message)) {
      case 'quota_usage':
        return this.quota.reportUsage(message.data as QuotaUsageRequest);
      case 'quota_restore':
        return this.quota.restore(message.data as QuotaRestoreRequest);
      case 'billing_usage':
        throw new Error('a billing report addressed to user-service');
    }
  }
}
