import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { ProxyServiceConfig } from './config/proxy-service.config';

const config = loadConfigOrExit(ProxyServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'Proxy pool, assignment to devices, sticky sessions and quality scoring',
});
