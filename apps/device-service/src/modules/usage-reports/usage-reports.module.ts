import { Module, type OnModuleInit } from '@nestjs/common';
import { OutboxDeliveries } from '@cloudphone/shared';
import { PlatformServicesModule } from '../../integrations/platform-services/platform-services.module';
import { AllocationChargesRepository } from './allocation-charges.repository';
import { BillingServiceReportsDestination } from './billing-service-reports.destination';
import { UsageReportDispatcher } from './usage-report.dispatcher';
import { UserServiceReportsDestination } from './user-service-reports.destination';

/**
 * Quota and billing reports owed to other services: outbox messages, their two destinations, and the
 * charges billing answers (stored on the allocations).
 */
@Module({
  imports: [PlatformServicesModule],
  providers: [
    UsageReportDispatcher,
    UserServiceReportsDestination,
    BillingServiceReportsDestination,
    AllocationChargesRepository,
  ],
  exports: [UsageReportDispatcher],
})
export class UsageReportsModule implements OnModuleInit {
  constructor(
    private readonly deliveries: OutboxDeliveries,
    private readonly users: UserServiceReportsDestination,
    private readonly billing: BillingServiceReportsDestination,
  ) {}

  /** Before the relay starts (at bootstrap), so it delivers what an earlier process left. */
  onModuleInit(): void {
    this.deliveries.register(this.users);
    this.deliveries.register(this.billing);
  }
}
