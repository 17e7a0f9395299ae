import { Module } from '@nestjs/common';
import { PlatformServicesModule } from '../../integrations/platform-services/platform-services.module';
import { BillingServiceReportsDestination } from './billing-service-reports.destination';
import { UsageReportDispatcher } from './usage-report.dispatcher';
import { UserServiceReportsDestination } from './user-service-reports.destination';

/** Quota and billing reports owed to other services: outbox messages and their two destinations. */
@Module({
  imports: [PlatformServicesModule],
  providers: [UsageReportDispatcher, UserServiceReportsDestination, BillingServiceReportsDestination],
  exports: [UsageReportDispatcher],
})
export class UsageReportsModule {}
