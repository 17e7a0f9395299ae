import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { SmsReceiveServiceConfig } from './config/sms-receive-service.config';

/** How sms-receive-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<SmsReceiveServiceConfig> = {
  configClass: SmsReceiveServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'Virtual numbers for receiving SMS codes',
};
