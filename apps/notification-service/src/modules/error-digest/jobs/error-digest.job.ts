import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { ErrorDigestService } from '../error-digest.service';

/**
 * Every five minutes: each closed ERROR_DIGEST_WINDOW_MINUTES window with counted errors (failed
 * or dead deliveries, failure events such as allocation.failed) becomes one email to
 * OPERATOR_EMAILS, with one line per source and code; catches up on windows missed while no
 * replica ran.
 */
@Injectable()
export class ErrorDigestJob {
  private readonly logger = new Logger('ErrorDigestJob');

  constructor(private readonly digests: ErrorDigestService) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'error-digest', maxRunMs: 120_000, jitterMs: 10_000 })
  async run({ signal }: CronRunContext): Promise<void> {
    const windows = await this.digests.digestClosedWindows(signal);
    this.logger.log({ msg: 'error digest run', windows });
  }
}
