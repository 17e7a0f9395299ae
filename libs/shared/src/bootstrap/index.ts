export { bootstrapService } from './bootstrap-service';
export type { RunningService } from './bootstrap-service';
export { InfrastructureModule } from './infrastructure.module';
export { loadConfigOrExit } from './load-config-or-exit';
export { buildServiceOpenApiDocument, createOpenApiDocument } from './openapi-document';
export { PlatformServiceConfig } from './platform-service.config';
export type { ServiceEntry } from './service-entry';
