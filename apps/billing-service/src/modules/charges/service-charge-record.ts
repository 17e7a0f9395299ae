import type { ServiceChargeRequest, ServiceChargeResponse, ServiceChargeSource } from '@cloudphone/contracts';

/** A row of `service_charges`: one business fact of another service, charged once per reference. */
export interface ServiceChargeRecord {
  id: string;
  reference: string;
  accountId: string;
  userId: string;
  tenantId: string;
  source: ServiceChargeSource;
  description: string;
  amountMinor: bigint;
  currency: string;
  balanceAfterMinor: bigint;
  occurredAt: Date;
  recordedAt: Date;
}

/**
 * Whether a resend describes the charge already recorded for its reference: the same user, source,
 * amount and currency, i.e. the same money taken from the same account. Description, tenant and
 * occurredAt are what the first request said and are not compared, so a sender that rewords a
 * description between retries is answered as a duplicate rather than refused for good.
 * `request.userId` must be in lower case (as Postgres prints a uuid).
 */
export function describesSameCharge(record: ServiceChargeRecord, request: ServiceChargeRequest): boolean {
  return (
    record.userId === request.userId &&
    record.source === request.source &&
    record.amountMinor === BigInt(request.amountMinor) &&
    record.currency === request.currency
  );
}

/** The answer for a charge, new (`duplicate: false`) or already recorded. Money as decimal text. */
export function chargeResponse(record: ServiceChargeRecord, duplicate: boolean): ServiceChargeResponse {
  return {
    chargeId: record.id,
    reference: record.reference,
    amountMinor: record.amountMinor.toString(),
    balanceMinor: record.balanceAfterMinor.toString(),
    currency: record.currency,
    recordedAt: record.recordedAt.toISOString(),
    duplicate,
  };
}
