// What other device-service modules may use of usage reports: store in a transaction, then deliver.
export type { NewUsageReport, UsageReport } from './usage-report';
export { UsageReportDispatcher } from './usage-report.dispatcher';
export { UsageReportsModule } from './usage-reports.module';
