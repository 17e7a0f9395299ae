import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { DeviceServiceConfig } from './config/device-service.config';

/** How device-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<DeviceServiceConfig> = {
  configClass: DeviceServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'Device inventory and lifecycle, provider adapters and the allocation scheduler',
};
