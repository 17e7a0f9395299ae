import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { UserServiceConfig } from './config/user-service.config';

const config = loadConfigOrExit(UserServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'Users, login, roles, service tokens and quotas',
});
