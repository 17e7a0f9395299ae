import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { NotificationServiceConfig } from './config/notification-service.config';

const config = loadConfigOrExit(NotificationServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'In-app inbox, WebSocket push, email and webhooks fed by domain events',
});
