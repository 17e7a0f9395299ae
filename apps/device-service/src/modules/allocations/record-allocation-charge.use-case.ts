import { Injectable } from '@nestjs/common';
import { MetricsService, SharedStatement } from '@cloudphone/shared';
import type { Histogram } from 'prom-client';
import { UsageReportDispatcher } from '../usage-reports';
import { AllocationChargesRepository } from './allocation-charges.repository';

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
  // The charges of concurrently consumed events share one statement per batch; only an event the
  // database refuses fails.
  private readonly charges = new SharedStatement<AllocationCharge, boolean>(
    async (charges) => {
      const found = await this.allocations.recordCharges(charges.map((charge) => this.row(charge)));
      return charges.map((charge) => found.has(charge.allocationId));
    },
    { onBatch: (items) => this.batchItems.observe(items) },
  );
  private readonly batchItems: Histogram;

  constructor(
    private readonly allocations: AllocationChargesRepository,
    private readonly dispatcher: UsageReportDispatcher,
    metrics: MetricsService,
  ) {
    this.batchItems = metrics.histogram({
      name: 'cloudphone_allocation_charge_batch_items',
      help: 'Charges (billing.usage_recorded events consumed at once) stored by one statement',
      buckets: [1, 2, 4, 8, 16, 32, 64, 100],
    });
  }

  /**
   * Stores the charge on the allocation (live or already archived) and settles its billing report,
   * in one statement shared with the charges recorded at the same time: billing has the usage,
   * whatever happened to the HTTP answer, so the report must not be resent.
   * Both writes repeat harmlessly, so a redelivered event needs no inbox row. False when the
   * allocation is unknown here.
   */
  record(charge: AllocationCharge): Promise<boolean> {
    return this.charges.run(charge);
  }

  private row(charge: AllocationCharge) {
    return { ...charge, billingReportId: this.dispatcher.billingReportId(charge.allocationId) };
  }
}
