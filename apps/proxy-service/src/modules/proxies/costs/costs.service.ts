import { Injectable } from '@nestjs/common';
import {
  PROXY_POOL_STATES,
  type ProxyAlertResponse,
  type ProxyCostReportResponse,
  type ProxyCostStatsResponse,
  type ProxyPoolStatsResponse,
} from '@cloudphone/contracts';
import {
  actorOf,
  AppError,
  CommonErrors,
  type ListQuery,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { ProxiesRepository } from '../pool/proxies.repository';
import { RentalsRepository } from '../rentals/rentals.repository';
import { AlertsRepository, type ProxyAlertRecord } from './alerts.repository';
import { SpendRepository } from './spend.repository';

/** The longest cost report: a quarter. */
const MAX_REPORT_DAYS = 92;
const DAY_MS = 86_400_000;

/** Spend, budgets, pool figures and the alerts raised about them. */
@Injectable()
export class CostsService {
  constructor(
    private readonly spend: SpendRepository,
    private readonly alerts: AlertsRepository,
    private readonly proxies: ProxiesRepository,
    private readonly rentals: RentalsRepository,
    private readonly config: ProxyServiceConfig,
  ) {}

  /** Today's and the last 7 days' spend per provider against its daily budget. */
  async stats(now = new Date()): Promise<ProxyCostStatsResponse> {
    const today = utcDay(now);
    const [days, budgets] = await Promise.all([
      this.spend.daily(utcDay(new Date(now.getTime() - 6 * DAY_MS)), today),
      this.spend.budgets(this.config.dailyBudgetMicros),
    ]);
    const items = budgets.map(({ provider, budgetMicros }) => {
      const own = days.filter((day) => day.provider === provider);
      const todayMicros = own.find((day) => day.day === today)?.spendMicros ?? 0n;
      const week = own.reduce((sum, day) => sum + day.spendMicros, 0n);
      return {
        provider,
        todayMicros: todayMicros.toString(),
        last7DaysMicros: week.toString(),
        dailyBudgetMicros: budgetMicros,
        overBudget: budgetMicros !== null && todayMicros > BigInt(budgetMicros),
      };
    });
    return { items, currency: this.config.currency };
  }

  async report(from: string, to: string): Promise<ProxyCostReportResponse> {
    const start = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
    const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
    if (!(end >= start)) throw CommonErrors.validationFailed('to must not be before from');
    if ((end - start) / DAY_MS >= MAX_REPORT_DAYS) {
      throw CommonErrors.validationFailed(`A report covers at most ${MAX_REPORT_DAYS} days`);
    }
    const days = await this.spend.daily(from.slice(0, 10), to.slice(0, 10));
    return {
      items: days.map((day) => ({ ...day, spendMicros: day.spendMicros.toString() })),
      currency: this.config.currency,
    };
  }

  async poolStats(): Promise<ProxyPoolStatsResponse> {
    const [counts, activeRentals] = await Promise.all([
      this.proxies.countByState(),
      this.rentals.countLive(),
    ]);
    const byState = new Map(counts.map((row) => [row.state, row.count]));
    const items = PROXY_POOL_STATES.map((state) => ({ state, count: byState.get(state) ?? 0 }));
    return { items, total: items.reduce((sum, item) => sum + item.count, 0), activeRentals };
  }

  async listAlerts(query: ListQuery): Promise<Page<ProxyAlertResponse>> {
    const page = await this.alerts.list(query);
    return { ...page, items: page.items.map(alertResponse) };
  }

  async moveAlert(
    id: string,
    status: 'acknowledged' | 'resolved',
    principal: Principal,
  ): Promise<ProxyAlertResponse> {
    const alert = await this.alerts.setStatus(id, status, actorOf(principal));
    if (!alert) throw new AppError('PROXY_ALERT_NOT_FOUND', 404, 'Proxy alert not found', { alertId: id });
    return alertResponse(alert);
  }
}

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function alertResponse(alert: ProxyAlertRecord): ProxyAlertResponse {
  return {
    ...alert,
    raisedAt: alert.raisedAt.toISOString(),
    updatedAt: alert.updatedAt.toISOString(),
  };
}
