import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { ProxyServiceConfig } from './config/proxy-service.config';

/** How proxy-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<ProxyServiceConfig> = {
  configClass: ProxyServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'Proxy pool, assignment to devices, sticky sessions and quality scoring',
};
