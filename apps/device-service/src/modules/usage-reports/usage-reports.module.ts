import { Module } from '@nestjs/common';
import { DeliverUsageReportsJob } from './jobs/deliver-usage-reports.job';
import { UsageReportDispatcher } from './usage-report.dispatcher';
import { UsageReportsRepository } from './usage-reports.repository';

/** Quota and billing reports owed to other services, kept in Postgres until delivered. */
@Module({
  providers: [UsageReportsRepository, UsageReportDispatcher, DeliverUsageReportsJob],
  exports: [UsageReportsRepository, UsageReportDispatcher],
})
export class UsageReportsModule {}
