import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionRunner } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { NotificationDispatcher } from '../deliveries';
import { ErrorLogRepository } from '../error-log';
import { digestText } from './digest-text';

/** Windows digested per run (a long outage of the job catches up over a few runs). */
const WINDOWS_PER_RUN = 24;
/** Digested groups are kept this long for an operator's look in the database. */
const DIGESTED_RETENTION_DAYS = 14;
/** The event type of the digest's email deliveries. */
export const ERROR_DIGEST_EVENT_TYPE = 'operator.error_digest';

/**
 * Mails each closed window's errors to OPERATOR_EMAILS once. A window's groups are taken (marked
 * digested) and its email deliveries stored in one transaction, keyed by the window: two replicas
 * digesting the same window produce one email per operator (the second finds nothing, or its
 * deliveries collide on their UNIQUE key). Without OPERATOR_EMAILS the digest is logged.
 */
@Injectable()
export class ErrorDigestService {
  private readonly logger = new Logger('ErrorDigest');

  constructor(
    private readonly errors: ErrorLogRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly transactions: TransactionRunner,
    private readonly config: NotificationServiceConfig,
  ) {}

  /** Digests the closed windows not digested yet; returns how many windows were digested. */
  async digestClosedWindows(signal: AbortSignal): Promise<number> {
    const windowMinutes = this.config.errorDigestWindowMinutes;
    const windows = await this.errors.closedWindows(windowMinutes, WINDOWS_PER_RUN);
    for (const windowStart of windows) {
      signal.throwIfAborted();
      await this.digest(windowStart, new Date(windowStart.getTime() + windowMinutes * 60_000));
    }
    await this.errors.deleteDigested(DIGESTED_RETENTION_DAYS);
    return windows.length;
  }

  private async digest(windowStart: Date, windowEnd: Date): Promise<void> {
    const operators = (this.config.operatorEmails ?? '').split(',').filter(Boolean);
    await this.transactions.run(async () => {
      const groups = await this.errors.takeWindow(windowStart);
      if (groups.length === 0) return;
      const text = digestText(windowStart, windowEnd, groups);
      const sourceKey = `${ERROR_DIGEST_EVENT_TYPE}:${windowStart.toISOString()}`;
      await this.dispatcher.enqueue(
        operators.map((address) => ({
          id: randomUUID(),
          userId: null,
          channel: 'email' as const,
          eventType: ERROR_DIGEST_EVENT_TYPE,
          sourceKey,
          target: address.toLowerCase(),
          sensitive: false,
          payload: {
            ...text,
            data: { windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString(), groups },
            email: { address, displayName: 'Cloudphone operators' },
            occurredAt: windowEnd.toISOString(),
          },
        })),
      );
      this.logger.log({
        msg:
          operators.length > 0 ? 'error digest queued for operators' : 'error digest (OPERATOR_EMAILS unset)',
        windowStart: windowStart.toISOString(),
        groups: groups.length,
        errors: groups.reduce((sum, group) => sum + group.occurrences, 0),
        ...(operators.length === 0 && { digest: text.body }),
      });
    });
  }
}
