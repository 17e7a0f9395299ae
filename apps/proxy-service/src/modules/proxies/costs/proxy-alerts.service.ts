import { Injectable, Logger } from '@nestjs/common';
import type { ProxyAlertKind } from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { AlertsRepository } from './alerts.repository';

/** The one way an alert is raised: at most once per kind, subject and UTC day, counted and logged. */
@Injectable()
export class ProxyAlerts {
  private readonly logger = new Logger(ProxyAlerts.name);
  private readonly raised: Counter<'kind'>;

  constructor(
    private readonly alerts: AlertsRepository,
    metrics: MetricsService,
  ) {
    this.raised = metrics.counter({
      name: 'cloudphone_proxy_alerts_raised_total',
      help: 'Proxy alerts raised, by kind (budget_exceeded, provider_failing, pool_exhausted)',
      labelNames: ['kind'],
    });
  }

  async raise(kind: ProxyAlertKind, subject: string, message: string): Promise<void> {
    if (!(await this.alerts.raise(kind, subject, message))) return;
    this.raised.inc({ kind });
    this.logger.warn({ msg: 'proxy alert raised', kind, subject, message });
  }
}
