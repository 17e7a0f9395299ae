import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { RentalUsageReports } from '../rental-usage-reports.service';

/** Reports ended rentals to billing-service, a batch after another until none is left or time is up. */
@Injectable()
export class ProxyUsageReportJob {
  constructor(private readonly reports: RentalUsageReports) {}

  @ClusterSafeCron('* * * * *', { name: 'proxy-usage-report', maxRunMs: 55_000, jitterMs: 2000 })
  async report({ signal }: CronRunContext): Promise<void> {
    while (!signal.aborted && (await this.reports.reportEnded()) > 0);
  }
}
