import { Injectable } from '@nestjs/common';
import { SERVICE_CHARGE_BATCH_MAX_ITEMS, type ServiceChargeRequest } from '@cloudphone/contracts';
import {
  deliverAsBatch,
  type DeliveryVerdict,
  deliverInSlices,
  type NewOutboxMessage,
  type OutboxDestination,
  type OutboxMessage,
  outboxMessageId,
  verdictOfCall,
} from '../events/outbox-message';
import { ServiceChargesClient } from './service-charges.client';

/** The outbox destination of charges: billing-service. */
export const SERVICE_CHARGES_DESTINATION = 'billing-service';
const CHARGE_MESSAGE_TYPE = 'charge.service';

/** Refusals no resend can fix; any other failed item is retried with the outbox backoff. */
const PERMANENT_CHARGE_ERRORS = new Set([
  'CHARGE_CONFLICT',
  'CURRENCY_MISMATCH',
  'VALIDATION_FAILED',
  'BALANCE_OUT_OF_RANGE',
]);

/** The outbox message of one charge, its id derived from the reference (stored twice, kept once). */
export function serviceChargeMessage(charge: ServiceChargeRequest): NewOutboxMessage {
  return {
    destination: SERVICE_CHARGES_DESTINATION,
    type: CHARGE_MESSAGE_TYPE,
    key: charge.reference,
    id: outboxMessageId('service-charge', charge.reference.replaceAll(':', '/')),
    data: charge,
  };
}

/** Charges for billing-service, delivered from the outbox in batches of up to 100. */
@Injectable()
export class ServiceChargesDestination implements OutboxDestination {
  readonly name = SERVICE_CHARGES_DESTINATION;

  constructor(private readonly billing: ServiceChargesClient) {}

  deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverInSlices(messages, SERVICE_CHARGE_BATCH_MAX_ITEMS, (batch) =>
      deliverAsBatch(batch, {
        idOf: (message) => (message.data as ServiceChargeRequest).reference,
        send: (slice) =>
          this.billing.chargeBatch(slice.map((message) => message.data as ServiceChargeRequest)),
        answerOf: (result) => ({
          id: result.reference,
          taken: result.ok,
          errorCode: result.code,
          errorMessage: result.message,
        }),
        sendOne: (message) => verdictOfCall(() => this.billing.charge(message.data as ServiceChargeRequest)),
        permanentErrors: PERMANENT_CHARGE_ERRORS,
      }),
    );
  }
}
