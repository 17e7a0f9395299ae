export { repositoryRoot } from './repository-root';
export { consumerQueueNames } from './consumer-queue-names';
export { createTestSecrets, serviceEnvironment } from './service-environment';
export type { TestSecrets } from './service-environment';
export { ScriptedHttpServer } from './scripted-http-server';
export type { RecordedRequest, ScriptedReply } from './scripted-http-server';
export { ScriptedPlatform } from './scripted-platform';
export { cronJobsRunByHand } from './cron-jobs-run-by-hand';
export { InProcessService } from './in-process-service';
export type { InProcessServiceOptions } from './in-process-service';
export type { KnownAllocations, ReceivedCharge } from './scripted-platform';
export { ServiceProcess } from './service-process';
export type { LogLine } from './service-process';
export { TcpProxy } from './tcp-proxy';
export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { TEST_SERVERS } from './test-servers';
export { TestTokens } from './test-tokens';
export { uniqueTestId } from './unique-test-id';
export { waitFor } from './wait-for';
export { deferred } from './deferred';
export type { Deferred } from './deferred';
export { EventObserver } from './event-observer';
export { publishEventTo } from './publish-event';
export type { ObservedMessage } from './event-observer';
export { EventsTestApp } from './events-test-app';
export { createRepositoryTestDatabase, gaugeValues, manualCronRunContext } from './repository-test-database';
export type { RepositoryTestDatabase } from './repository-test-database';
export { freshServiceDatabases } from './fresh-service-databases';
export type { FreshServiceDatabases } from './fresh-service-databases';
export { histogramSummary } from './histogram-summary';
export { sumMetricSamples } from './metric-samples';
export {
  balanceLowData,
  deviceAllocatedData,
  eventEnvelope,
  invoiceIssuedData,
  paymentSucceededData,
} from './domain-event-fixtures';
export { deleteRedisKeys } from './redis-keys';
export { ServiceFleet } from './service-fleet';
export { deleteMessagingNamespace } from './messaging-cleanup';
export { trackedHttpServer } from './tracked-http-server';
export type { TrackedHttpServer } from './tracked-http-server';
