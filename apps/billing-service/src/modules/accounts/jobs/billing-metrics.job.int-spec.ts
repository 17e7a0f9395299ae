import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { AccountsRepository } from '../accounts.repository';
import { BillingMetricsJob } from './billing-metrics.job';

describe('BillingMetricsJob', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('billing-service');
  });

  afterAll(() => db?.close());

  it('publishes account counts and summed balances per status and currency', async () => {
    await db.query(
      `INSERT INTO accounts (user_id, balance_minor, currency, status) VALUES
        (gen_random_uuid(), 1250, 'USD', 'active'), (gen_random_uuid(), 750, 'USD', 'active'),
        (gen_random_uuid(), -300, 'EUR', 'overdue')`,
    );
    const metrics = new MetricsService('billing-service');
    const job = new BillingMetricsJob(new AccountsRepository(db.sql), metrics);

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
