import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';

/** Prometheus metrics of the email channel (the attempts themselves are counted by the deliveries module). */
@Injectable()
export class EmailMetrics {
  readonly sent: Counter<'template' | 'locale'>;
  readonly failed: Counter<'code' | 'permanent'>;
  readonly skipped: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    this.sent = metrics.counter({
      name: 'cloudphone_notification_emails_sent_total',
      help: 'Emails the transport accepted, by template and locale',
      labelNames: ['template', 'locale'],
    });
    this.failed = metrics.counter({
      name: 'cloudphone_notification_emails_failed_total',
      help: 'Email attempts that failed, by code (SMTP_DEFERRED, SMTP_REJECTED, SMTP_UNAVAILABLE, ...) and whether for good',
      labelNames: ['code', 'permanent'],
    });
    this.skipped = metrics.counter({
      name: 'cloudphone_notification_emails_skipped_total',
      help: 'Emails not sent at all: no_address, user_not_found, user_not_active, email_not_verified',
      labelNames: ['reason'],
    });
  }
}
