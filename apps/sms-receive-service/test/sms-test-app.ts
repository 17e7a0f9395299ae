import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { InProcessService } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { SmsReceiveServiceConfig } from '../src/config/sms-receive-service.config';

/** sms-receive-service in the test's process, its `sms.#` events recorded (see InProcessService). */
export function startSmsService(env: Record<string, string> = {}): Promise<InProcessService> {
  return InProcessService.start({
    service: SERVICE_CATALOG.smsReceive.name,
    configClass: SmsReceiveServiceConfig,
    rootModule: (config) => AppModule.forRoot(config),
    observe: 'sms.#',
    env,
  });
}
