import { Injectable } from '@nestjs/common';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationsRepository } from './allocations.repository';

/** What billing charged for one allocation, told by its `billing.usage_recorded` event. */
export interface AllocationCharge {
  allocationId: string;
  amountMinor: string;
  currency: string;
}

/**
 * Charges (§5 event consumers): billing-service prices an allocation's usage after it ended; the
 * allocation keeps that price so its answer shows what it cost.
 */
@Injectable()
export class RecordAllocationChargeUseCase {
  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly dispatcher: UsageReportDispatcher,
  ) {}

  /**
   * Stores the charge on the allocation (live or already archived) and settles its billing report,
   * in one statement: billing has the usage, whatever happened to the HTTP answer, so the report
   * must not be resent.
   * Both writes repeat harmlessly, so a redelivered event needs no inbox row. False when the
   * allocation is unknown here.
   */
  async record(charge: AllocationCharge): Promise<boolean> {
    return this.allocations.recordCharge(
      charge.allocationId,
      charge.amountMinor,
      charge.currency,
      this.dispatcher.billingReportId(charge.allocationId),
    );
  }
}
