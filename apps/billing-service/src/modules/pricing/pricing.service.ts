import { Injectable, Logger } from '@nestjs/common';
import type { DeviceSpec, PricePlanResponse, PricePlanUpdateRequest } from '@cloudphone/contracts';
import { TransactionRunner } from '@cloudphone/shared';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { priceInMinorUnits } from './price-calculation';
import type { PricePlan } from './price-plan';
import { PricingErrors } from './pricing.errors';
import { PricingRepository } from './pricing.repository';

/** Price plans (versioned per currency) and the prices they give. */
@Injectable()
export class PricingService {
  private readonly logger = new Logger(PricingService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly plans: PricingRepository,
    private readonly config: BillingServiceConfig,
  ) {}

  /** The plan in force now for `currency` (default: BILLING_DEFAULT_CURRENCY); 404 when there is none. */
  async current(currency: string = this.config.defaultCurrency): Promise<PricePlanResponse> {
    const plan = await this.plans.findInForce(currency, null);
    if (!plan) throw PricingErrors.noPlan(currency);
    return toResponse(plan);
  }

  /** Adds the next version of a currency's plan, in force from now; earlier usage keeps its price. */
  async update(request: PricePlanUpdateRequest, changedBy: string): Promise<PricePlanResponse> {
    const plan = await this.transactions.run(() =>
      this.plans.insertNextVersion(
        request.currency,
        {
          baseMicrosPerHour: BigInt(request.baseMicrosPerHour),
          cpuCoreMicrosPerHour: BigInt(request.cpuCoreMicrosPerHour),
          memoryGbMicrosPerHour: BigInt(request.memoryGbMicrosPerHour),
          storageGbMicrosPerHour: BigInt(request.storageGbMicrosPerHour),
        },
        changedBy,
      ),
    );
    this.logger.log({
      msg: 'Price plan changed',
      currency: plan.currency,
      version: plan.version,
      planId: plan.id,
      changedBy,
    });
    return toResponse(plan);
  }

  /**
   * The plan that prices usage of `currency` starting at `at` (now when null): the version in
   * force then or, for a start before the currency's first version, that first version (so a report
   * held back while no plan existed is priced once one does). 503 PRICING_NOT_CONFIGURED when the
   * currency has no plan at all.
   */
  async planInForce(currency: string, at: Date | null): Promise<PricePlan> {
    const plan = (await this.plans.findInForce(currency, at)) ?? (await this.plans.findEarliest(currency));
    if (!plan) throw PricingErrors.notConfigured(currency);
    return plan;
  }

  /** The price of `spec` for `seconds` under `plan`, rounded up to whole minor units. */
  price(plan: PricePlan, spec: DeviceSpec, seconds: number): bigint {
    return priceInMinorUnits(plan, spec, seconds);
  }
}

function toResponse(plan: PricePlan): PricePlanResponse {
  return {
    id: plan.id,
    currency: plan.currency,
    version: plan.version,
    baseMicrosPerHour: plan.baseMicrosPerHour.toString(),
    cpuCoreMicrosPerHour: plan.cpuCoreMicrosPerHour.toString(),
    memoryGbMicrosPerHour: plan.memoryGbMicrosPerHour.toString(),
    storageGbMicrosPerHour: plan.storageGbMicrosPerHour.toString(),
    effectiveFrom: plan.effectiveFrom.toISOString(),
  };
}
