import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { DeviceServiceConfig } from './config/device-service.config';

const config = loadConfigOrExit(DeviceServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'Device inventory and lifecycle, provider adapters and the allocation scheduler',
});
