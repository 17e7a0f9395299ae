import { Module } from '@nestjs/common';
import { PlatformServicesModule } from '../../integrations/platform-services/platform-services.module';
import { DeliverUsageReportsJob } from './jobs/deliver-usage-reports.job';
import { UsageReportDispatcher } from './usage-report.dispatcher';
import { UsageReportsRepository } from './usage-reports.repository';

/** Quota and billing reports owed to other services, kept in Postgres until delivered. */
@Module({
  imports: [PlatformServicesModule],
  providers: [UsageReportsRepository, UsageReportDispatcher, DeliverUsageReportsJob],
  exports: [UsageReportDispatcher],
})
export class UsageReportsModule {}
