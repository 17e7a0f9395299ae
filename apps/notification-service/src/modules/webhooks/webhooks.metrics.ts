import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import type { WebhookHttpAnswer } from '../../integrations/webhook-http';

/** What a webhook attempt got back, as one label value. */
export type WebhookAnswerClass =
  '2xx' | '3xx' | '4xx' | '5xx' | 'other' | 'timeout' | 'network' | 'refused_address';

@Injectable()
export class WebhooksMetrics {
  readonly answers: Counter<'answer'>;

  constructor(metrics: MetricsService) {
    this.answers = metrics.counter({
      name: 'cloudphone_notification_webhook_answers_total',
      help: 'Webhook requests by what came back: 2xx…5xx, other, timeout, network, refused_address (SSRF guard)',
      labelNames: ['answer'],
    });
  }

  static classOf(answer: WebhookHttpAnswer): WebhookAnswerClass {
    if (answer.kind === 'refused-address') return 'refused_address';
    if (answer.kind !== 'response') return answer.kind;
    const hundreds = Math.floor(answer.status / 100);
    return hundreds >= 2 && hundreds <= 5 ? (`${hundreds}xx` as WebhookAnswerClass) : 'other';
  }
}
