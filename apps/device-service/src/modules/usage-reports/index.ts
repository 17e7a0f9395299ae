// What other device-service modules may use of usage reports: store in a transaction (or build them
// in the statement of the change they report), then deliver.
export type { NewUsageReport, UsageReport, UsageReportSql } from './usage-report';
export { usageReportsInsertSql } from './usage-report';
export { UsageReportDispatcher } from './usage-report.dispatcher';
export { UsageReportsModule } from './usage-reports.module';
