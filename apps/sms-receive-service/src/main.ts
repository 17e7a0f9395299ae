import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { SmsReceiveServiceConfig } from './config/sms-receive-service.config';

const config = loadConfigOrExit(SmsReceiveServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'Virtual numbers for receiving SMS codes',
});
