import {
  BILLING_ROUTES,
  type ServiceChargeBatchResponse,
  type ServiceChargeRequest,
  type ServiceChargeResponse,
} from '@cloudphone/contracts';
import type { BatchItemAnswer } from '../events/outbox-message';
import type { HttpClient } from '../http/http-client';
import { type DeliveryOutcome, ServiceClient } from '../http/service-client';
import type { MetricsService } from '../metrics/metrics.service';

/**
 * billing-service's charges for services other than devices (a proxy rental, an SMS code).
 * Lenient: `deferred` while billing is unavailable. billing charges each `reference` once however
 * often it arrives, so a charge is resent until it is answered.
 */
export class ServiceChargesClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  charge(request: ServiceChargeRequest): Promise<DeliveryOutcome<ServiceChargeResponse>> {
    return this.lenientCall('billing.charge', () =>
      this.http.post<ServiceChargeResponse>(BILLING_ROUTES.charges, chargeBody(request), {
        idempotencyKey: `billing-charge:${request.reference}`,
      }),
    );
  }

  /**
   * Several charges in one call, each answered as the outbox's batch helper reads an item (its
   * `allocationId` slot carries the charge's reference: the key the answer is matched by).
   */
  async chargeBatch(
    requests: ServiceChargeRequest[],
  ): Promise<DeliveryOutcome<{ results: BatchItemAnswer[] }>> {
    const outcome = await this.lenientCall('billing.charge_batch', () =>
      this.http.post<ServiceChargeBatchResponse>(
        BILLING_ROUTES.chargesBatch,
        { items: requests.map(chargeBody) },
        { idempotent: true },
      ),
    );
    if (outcome.status !== 'delivered') return outcome;
    return {
      status: 'delivered',
      response: {
        results: outcome.response.results.map((result) => ({
          allocationId: result.reference,
          status: result.ok ? 'charged' : 'failed',
          errorCode: result.code,
          errorMessage: result.message,
        })),
      },
    };
  }
}

/** Only the contract's fields, so a stored message with more never trips forbidNonWhitelisted. */
function chargeBody(request: ServiceChargeRequest): ServiceChargeRequest {
  return {
    reference: request.reference,
    userId: request.userId,
    tenantId: request.tenantId,
    source: request.source,
    description: request.description,
    amountMinor: request.amountMinor,
    currency: request.currency,
    occurredAt: request.occurredAt,
  };
}
