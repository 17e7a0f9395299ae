export { bootstrapService } from './bootstrap-service';
export type { BootstrapOptions, RunningService } from './bootstrap-service';
export { InfrastructureModule } from './infrastructure.module';
export type { InfrastructureModuleOptions } from './infrastructure.module';
export { loadConfigOrExit } from './load-config-or-exit';
export { PLATFORM_CONFIG_SLICES, PlatformServiceConfig } from './platform-service.config';
