import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AccountsService } from '../accounts.service';

const BATCH = 500;

/**
 * Overdue detection (§6): accounts that are negative but still active are flagged overdue (with
 * `billing.overdue`, so device-service releases their devices), and overdue accounts that are no
 * longer negative are reactivated. Charges and top-ups do this as they happen; this repairs balances
 * changed any other way. Rows are taken with SKIP LOCKED, so overlapping runs are harmless.
 */
@Injectable()
export class OverdueDetectionJob {
  constructor(private readonly accounts: AccountsService) {}

  @ClusterSafeCron('* * * * *', { name: 'overdue-detection', maxRunMs: 55_000, jitterMs: 5000 })
  async detect({ signal }: CronRunContext): Promise<void> {
    for (;;) {
      const { flaggedOverdue, reactivated } = await this.accounts.detectOverdue(BATCH);
      if (flaggedOverdue + reactivated < BATCH || signal.aborted) break;
    }
  }
}
