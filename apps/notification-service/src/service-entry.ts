import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { NotificationServiceConfig } from './config/notification-service.config';

/** How notification-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<NotificationServiceConfig> = {
  configClass: NotificationServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'In-app inbox, WebSocket push, email and webhooks fed by domain events',
};
