import { MetricsService, type CronRunContext } from '@cloudphone/shared';
import { createTestDatabase, type TestDatabase } from '@cloudphone/shared/testing';
import { DataSource } from 'typeorm';
import { AccountEntity } from '../account.entity';
import { AccountsRepository } from '../accounts.repository';
import { BillingMetricsJob } from './billing-metrics.job';

function runContext(): CronRunContext {
  return {
    scheduledAt: new Date(),
    instanceId: 'test',
    catchUp: false,
    trigger: 'manual',
    fencingToken: 1,
    signal: new AbortController().signal,
  };
}

async function gaugeValues(metrics: MetricsService, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

describe('BillingMetricsJob', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('billing-service');
    dataSource = await new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [AccountEntity],
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes account counts and summed balances per status and currency', async () => {
    await db.query(
      `INSERT INTO accounts (user_id, balance_minor, currency, status) VALUES
        (gen_random_uuid(), 1250, 'USD', 'active'), (gen_random_uuid(), 750, 'USD', 'active'),
        (gen_random_uuid(), -300, 'EUR', 'overdue')`,
    );
    const metrics = new MetricsService('billing-service', 'test');
    const job = new BillingMetricsJob(
      new AccountsRepository(dataSource.getRepository(AccountEntity)),
      metrics,
    );

    await job.collect(runContext());

    expect(await gaugeValues(metrics, 'cloudphone_billing_accounts')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'active', currency: 'USD' }, value: 2 },
        { labels: { status: 'overdue', currency: 'EUR' }, value: 1 },
      ]),
    );
    expect(await gaugeValues(metrics, 'cloudphone_billing_balance_minor_units')).toEqual(
      expect.arrayContaining([
        { labels: { status: 'active', currency: 'USD' }, value: 2000 },
        { labels: { status: 'overdue', currency: 'EUR' }, value: -300 },
      ]),
    );
  });
});
