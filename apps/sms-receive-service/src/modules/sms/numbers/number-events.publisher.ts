import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type SmsCodeReceivedEventData,
  type SmsNumberExpiredEventData,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { SmsNumberRecord } from './sms-number-record';

/** Every event the numbers module publishes, written to the outbox in the caller's transaction. */
@Injectable()
export class NumberEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `sms.code_received`: a user's number got its first code (and was charged). */
  async codeReceived(number: SmsNumberRecord, text: string): Promise<void> {
    const data: SmsCodeReceivedEventData = {
      ...numberFields(number),
      code: number.code!,
      text,
      receivedAt: number.codeReceivedAt!.toISOString(),
    };
    await this.events.publish({ type: DOMAIN_EVENTS.smsCodeReceived, aggregateId: number.id, data });
  }

  /** `sms.number_expired` for each user's number that ran out without a code. */
  async expired(numbers: SmsNumberRecord[]): Promise<void> {
    const expired = numbers.filter((number) => number.userId !== null && number.status === 'expired');
    if (expired.length === 0) return;
    await this.events.publish(
      expired.map((number) => {
        const data: SmsNumberExpiredEventData = {
          ...numberFields(number),
          expiredAt: number.endedAt!.toISOString(),
        };
        return { type: DOMAIN_EVENTS.smsNumberExpired, aggregateId: number.id, data };
      }),
    );
  }
}

function numberFields(number: SmsNumberRecord) {
  return {
    userId: number.userId!,
    tenantId: number.tenantId!,
    numberId: number.id,
    phoneNumber: number.phoneNumber,
    service: number.service,
    countryCode: number.countryCode,
    allocationId: number.allocationId,
  };
}
