import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { CostsService } from '../costs.service';
import { ProxyAlerts } from '../proxy-alerts.service';
import { SpendRepository } from '../spend.repository';

/** A provider whose proxies score below this on average is failing. */
const FAILING_SCORE = 30;

/**
 * Spend per provider today as gauges, and an alert (once per provider and day, whichever replica
 * runs) when a provider goes over its daily budget or its proxies mostly fail.
 */
@Injectable()
export class ProxyCostMonitorJob {
  private readonly spendGauge: Gauge<'provider'>;
  private readonly budgetGauge: Gauge<'provider'>;

  constructor(
    private readonly costs: CostsService,
    private readonly spend: SpendRepository,
    private readonly alerts: ProxyAlerts,
    metrics: MetricsService,
  ) {
    this.spendGauge = metrics.gauge({
      name: 'cloudphone_proxy_spend_today_micros',
      help: 'What each provider’s proxies cost the platform so far this UTC day (micro-minor units)',
      labelNames: ['provider'],
    });
    this.budgetGauge = metrics.gauge({
      name: 'cloudphone_proxy_daily_budget_micros',
      help: 'Daily budget in force per provider (providers without one are absent)',
      labelNames: ['provider'],
    });
  }

  @ClusterSafeCron('*/5 * * * *', { name: 'proxy-cost-monitor', maxRunMs: 120_000, jitterMs: 5000 })
  async monitor({ signal }: CronRunContext): Promise<void> {
    const { items } = await this.costs.stats();
    signal.throwIfAborted();
    this.spendGauge.reset();
    this.budgetGauge.reset();
    for (const item of items) {
      this.spendGauge.set({ provider: item.provider }, Number(item.todayMicros));
      if (item.dailyBudgetMicros !== null) {
        this.budgetGauge.set({ provider: item.provider }, Number(item.dailyBudgetMicros));
      }
      if (item.overBudget) {
        const message = `Spend ${item.todayMicros} µ over the daily budget ${item.dailyBudgetMicros} µ`;
        await this.alerts.raise('budget_exceeded', item.provider, message);
      }
    }
    for (const failing of await this.spend.failingProviders(FAILING_SCORE)) {
      const message = `Quality score ${failing.qualityScore} is below ${FAILING_SCORE}`;
      await this.alerts.raise('provider_failing', failing.provider, message);
    }
  }
}
