import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { UserServiceConfig } from './config/user-service.config';

/** How user-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<UserServiceConfig> = {
  configClass: UserServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'Users, login, roles, service tokens and quotas',
};
