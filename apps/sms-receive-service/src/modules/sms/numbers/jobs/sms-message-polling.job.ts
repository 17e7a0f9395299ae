import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { MessagePolling } from '../message-polling.service';

/** Every 10 s, once across replicas: new messages of waiting numbers, in batches (MessagePolling). */
@Injectable()
export class SmsMessagePollingJob {
  private readonly logger = new Logger(SmsMessagePollingJob.name);

  constructor(private readonly polling: MessagePolling) {}

  @ClusterSafeCron('*/10 * * * * *', { name: 'sms-message-polling', maxRunMs: 9_000 })
  async poll({ signal }: CronRunContext): Promise<void> {
    const { polled, codes } = await this.polling.pollDue(signal);
    if (codes > 0) this.logger.log({ msg: 'sms numbers polled', polled, codes });
  }
}
