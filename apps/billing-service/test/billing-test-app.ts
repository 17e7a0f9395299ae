import { randomUUID } from 'node:crypto';
import type { UsageRecordRequest } from '@cloudphone/contracts';
import { bootstrapService, loadConfig, MetricsService, type RunningService } from '@cloudphone/shared';
import {
  cronJobsRunByHand,
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  type TestDatabase,
  TestTokens,
  sumMetricSamples,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { BillingServiceConfig } from '../src/config/billing-service.config';
import { AccountsService } from '../src/modules/accounts/accounts.service';

/** Row counts of the tables a billing request may write. */
export interface BillingRowCounts {
  accounts: number;
  usage_records: number;
  ledger_entries: number;
  price_plans: number;
  outbox: number;
}

/** The consumer retry delays billing-service runs with in tests (EVENTS_CONSUMER_RETRY_DELAYS_MS default). */
const CONSUMER_RETRY_DELAYS_MS = [1000, 5000, 30000, 120000];

/**
 * The queues billing-service's consumer (device-service's allocation events) declared in a test's
 * messaging namespace: durable, so the test deletes them.
 */
export function billingConsumerQueues(namespace: string): string[] {
  return consumerQueueNames(namespace, 'billing-service', CONSUMER_RETRY_DELAYS_MS);
}

/**
 * billing-service in this process (real Postgres and RabbitMQ, port 0), on a fresh migrated
 * database and a private exchange whose `billing.#` events an observer records.
 */
export class BillingTestApp {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    readonly namespace: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<BillingTestApp> {
    const db = await createTestDatabase('billing-service');
    const namespace = uniqueTestId('billing');
    const observer = await EventObserver.connect(`${namespace}.events`);
    // Bound before any event exists, so the relay never finds billing events unroutable.
    await observer.observe('billing.#');
    const secrets = createTestSecrets();
    const config = loadConfig(
      BillingServiceConfig,
      serviceEnvironment({
        databaseUrl: db.url,
        messagingNamespace: namespace,
        secrets,
        overrides: {
          LOG_LEVEL: 'error',
          DATABASE_POOL_SIZE: '10',
          ...env,
          CRON_SCHEDULE_OVERRIDES: cronJobsRunByHand(env.CRON_SCHEDULE_OVERRIDES),
        },
      }),
    );
    const service = await bootstrapService({
      rootModule: AppModule.forRoot(config),
      config,
      port: 0,
      description: 'billing-service under test',
      ownsProcess: false,
    });
    return new BillingTestApp(service, db, observer, new TestTokens(secrets, 'device-service'), namespace);
  }

  get http() {
    return request(this.service.url);
  }

  get accounts(): AccountsService {
    return this.service.app.get(AccountsService);
  }

  /** POST as device-service would (service token). */
  postAsService(path: string, body: unknown) {
    return this.http
      .post(`/${path}`)
      .set('Authorization', `Bearer ${this.tokens.service()}`)
      .send(body as object);
  }

  async topUp(userId: string, amountMinor: string, reference = uniqueTestId('ref')): Promise<void> {
    await this.http
      .post(`/billing/accounts/${userId}/top-up`)
      .set('Authorization', `Bearer ${this.tokens.admin()}`)
      .send({ amountMinor, reference })
      .expect(200);
  }

  async balanceOf(userId: string): Promise<bigint> {
    const rows = await this.db.query<{ balance_minor: string }>(
      'SELECT balance_minor FROM accounts WHERE user_id = $1',
      [userId],
    );
    return rows.length > 0 ? BigInt(rows[0].balance_minor) : 0n;
  }

  /** Sum of the user's ledger entries and the balance after their latest one. */
  async ledgerOf(userId: string): Promise<{ sum: bigint; entries: number; lastBalanceAfter: bigint | null }> {
    const [row] = await this.db.query<{ sum: string; entries: string; last: string | null }>(
      `SELECT COALESCE(SUM(l.amount_minor), 0) AS sum, COUNT(l.id) AS entries,
              (SELECT l2.balance_after_minor FROM ledger_entries l2 WHERE l2.account_id = a.id
               ORDER BY l2.id DESC LIMIT 1) AS last
       FROM accounts a LEFT JOIN ledger_entries l ON l.account_id = a.id
       WHERE a.user_id = $1 GROUP BY a.id`,
      [userId],
    );
    return {
      sum: BigInt(row.sum),
      entries: Number(row.entries),
      lastBalanceAfter: row.last === null ? null : BigInt(row.last),
    };
  }

  /** Once the outbox relay has published every event (its passes count in the statement metrics). */
  async outboxDrained(): Promise<void> {
    await waitFor(
      async () =>
        (await this.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'))[0]
          .n === '0',
      { description: 'the outbox relay has published every event' },
    );
  }

  /** The sum of one of this service's metrics (e.g. cloudphone_db_statements_total). */
  async metricSum(name: string): Promise<number> {
    return sumMetricSamples(await this.service.app.get(MetricsService).registry.metrics(), name);
  }

  async rowCounts(): Promise<BillingRowCounts> {
    const [row] = await this.db.query<Record<keyof BillingRowCounts, string>>(
      `SELECT (SELECT COUNT(*) FROM accounts) AS accounts,
              (SELECT COUNT(*) FROM usage_records) AS usage_records,
              (SELECT COUNT(*) FROM ledger_entries) AS ledger_entries,
              (SELECT COUNT(*) FROM price_plans) AS price_plans,
              (SELECT COUNT(*) FROM outbox) AS outbox`,
    );
    return {
      accounts: Number(row.accounts),
      usage_records: Number(row.usage_records),
      ledger_entries: Number(row.ledger_entries),
      price_plans: Number(row.price_plans),
      outbox: Number(row.outbox),
    };
  }

  /** Events of `type` about `userId` the observer has received so far. */
  eventsFor<T extends { userId: string }>(type: string, userId: string): T[] {
    return this.observer.received
      .filter(({ envelope }) => envelope.type === type && (envelope.data as T).userId === userId)
      .map(({ envelope }) => envelope.data as T);
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.observer.cleanUp(billingConsumerQueues(this.namespace));
    await this.db.drop();
  }
}

/**
 * A usage report of 100 s on the default spec (4 cores, 8 GiB, 64 GB: 12.64 cents per hour at the
 * seeded plan, so 100 s cost 0.351 cents, i.e. 1 minor unit).
 */
export function usageReport(overrides: Partial<UsageRecordRequest> = {}): UsageRecordRequest {
  return {
    allocationId: randomUUID(),
    userId: randomUUID(),
    tenantId: 'default',
    deviceId: randomUUID(),
    startedAt: '2025-01-01T10:00:00.000Z',
    endedAt: '2025-01-01T10:01:40.000Z',
    billedSeconds: 100,
    cpuCores: 4,
    memoryMb: 8192,
    storageGb: 64,
    ...overrides,
  };
}

/** The report of an allocation lasting `seconds` from 2025-01-01T10:00:00Z, billed in full. */
export function usageLasting(
  seconds: number,
  overrides: Partial<UsageRecordRequest> = {},
): UsageRecordRequest {
  const startedAt = new Date('2025-01-01T10:00:00.000Z');
  const endedAt = new Date(startedAt.getTime() + seconds * 1000);
  return usageReport({
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    billedSeconds: seconds,
    ...overrides,
  });
}
