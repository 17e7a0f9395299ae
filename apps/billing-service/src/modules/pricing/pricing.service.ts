import { Injectable, Logger } from '@nestjs/common';
import type { DeviceSpec, PricePlanResponse, PricePlanUpdateRequest } from '@cloudphone/contracts';
import { TransactionRunner } from '@cloudphone/shared';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { priceInMinorUnits } from './price-calculation';
import type { PricePlan } from './price-plan';
import { planInForceAt, type PricePlanVersions, versionsAnswer } from './price-plan-versions';
import { PricingErrors } from './pricing.errors';
import { PricingRepository } from './pricing.repository';

// How old the versions read for a "now" price may be: only the balance gate asks for now, as an
// estimate before an allocation starts; every charge asks for a start time and is answered exactly.
const NOW_MAX_AGE_MS = 1000;

/**
 * Price plans (versioned per currency) and the prices they give. Versions are append-only and in
 * force from their insertion, so what one read returned stays the answer for every start before
 * that read: charges, slices and reports are priced from the versions held in this process, and a
 * read is repeated only for a start after it (or a "now" older than a second). That takes the plan
 * look-up out of the hot path (one statement per charge and per balance check before).
 */
@Injectable()
export class PricingService {
  private readonly logger = new Logger(PricingService.name);
  private readonly known = new Map<string, PricePlanVersions>();
  private readonly reading = new Map<string, Promise<PricePlanVersions | null>>();

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
    this.known.delete(plan.currency);
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
    const versions = await this.versionsFor(currency, at);
    const plan = versions && planInForceAt(versions.versions, at ?? versions.readAt);
    if (!plan) throw PricingErrors.notConfigured(currency);
    return plan;
  }

  private async versionsFor(currency: string, at: Date | null): Promise<PricePlanVersions | null> {
    const known = this.known.get(currency);
    if (known && versionsAnswer(known, at, Date.now(), NOW_MAX_AGE_MS)) return known;
    // One read in flight per currency; concurrent askers share it (it answers any of them, as it
    // starts after each asked).
    let reading = this.reading.get(currency);
    if (!reading) {
      reading = this.readVersions(currency).finally(() => this.reading.delete(currency));
      this.reading.set(currency, reading);
    }
    return reading;
  }

  private async readVersions(currency: string): Promise<PricePlanVersions | null> {
    const read = await this.transactions.run(() => this.plans.readVersions(currency));
    if (!read.readAt) return null;
    const versions = { versions: read.versions, readAt: read.readAt, readAtLocalMs: Date.now() };
    this.known.set(currency, versions);
    return versions;
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
