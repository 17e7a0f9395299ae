import {
  BILLING_ROUTES,
  type ServiceChargeBatchResponse,
  type ServiceChargeRequest,
  type ServiceChargeResponse,
} from '@cloudphone/contracts';
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

  /** Several charges in one call, a result per item in order (each deduplicated by its reference). */
  chargeBatch(requests: ServiceChargeRequest[]): Promise<DeliveryOutcome<ServiceChargeBatchResponse>> {
    return this.lenientCall('billing.charge_batch', () =>
      this.http.post<ServiceChargeBatchResponse>(
        BILLING_ROUTES.chargesBatch,
        { items: requests.map(chargeBody) },
        { idempotent: true },
      ),
    );
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
