import { MetricsService } from '@cloudphone/shared';
import {
  createEntityTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type EntityTestDatabase,
} from '@cloudphone/shared/testing';
import { AccountEntity } from '../account.entity';
import { AccountsRepository } from '../accounts.repository';
import { BillingMetricsJob } from './billing-metrics.job';

describe('BillingMetricsJob', () => {
  let db: EntityTestDatabase;

  beforeAll(async () => {
    db = await createEntityTestDatabase('billing-service', [AccountEntity]);
  });

  afterAll(() => db?.close());

  it('publishes account counts and summed balances per status and currency', async () => {
    await db.query(
      `INSERT INTO accounts (user_id, balance_minor, currency, status) VALUES
        (gen_random_uuid(), 1250, 'USD', 'active'), (gen_random_uuid(), 750, 'USD', 'active'),
        (gen_random_uuid(), -300, 'EUR', 'overdue')`,
    );
    const metrics = new MetricsService('billing-service', 'test');
    const job = new BillingMetricsJob(
      new AccountsRepository(db.dataSource.getRepository(AccountEntity)),
      metrics,
    );

    await job.collect(manualCronRunContext());

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
