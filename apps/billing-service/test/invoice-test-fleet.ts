import { randomUUID } from 'node:crypto';
import { bootstrapService, loadConfig, type RunningService } from '@cloudphone/shared';
import {
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
} from '@cloudphone/shared/testing';
import type { ServiceChargeRequest } from '@cloudphone/contracts';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { billingConsumerQueues } from './billing-test-app';
import { BillingServiceConfig } from '../src/config/billing-service.config';
import { InvoiceGeneratorService } from '../src/modules/invoices/invoice-generator.service';
import { InvoicesService } from '../src/modules/invoices/invoices.service';

/** The invoice jobs stay registered but never fire on their own: the tests run them. */
const INVOICE_JOBS_OFF = JSON.stringify({
  'generate-monthly-invoices': { disabled: true },
  'check-overdue-invoices': { disabled: true },
});

/**
 * Several billing-service instances in this process on one fresh database, each with its own
 * connection pool and Redis prefix (so their cron runs do not coordinate: only Postgres can keep
 * them from issuing an invoice twice), plus an observer of the `billing.#` events they publish.
 */
export class InvoiceTestFleet {
  private constructor(
    readonly services: RunningService[],
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    private readonly namespace: string,
  ) {}

  static async start(instances: number): Promise<InvoiceTestFleet> {
    const db = await createTestDatabase('billing-service');
    const namespace = uniqueTestId('invoices');
    const observer = await EventObserver.connect(`${namespace}.events`);
    await observer.observe('billing.#');
    const secrets = createTestSecrets();
    const services: RunningService[] = [];
    for (let index = 0; index < instances; index += 1) {
      const config = loadConfig(
        BillingServiceConfig,
        serviceEnvironment({
          databaseUrl: db.url,
          messagingNamespace: namespace,
          secrets,
          overrides: {
            LOG_LEVEL: 'error',
            DATABASE_POOL_SIZE: '10',
            INSTANCE_ID: `invoices-test-${index}`,
            CRON_SCHEDULE_OVERRIDES: INVOICE_JOBS_OFF,
          },
        }),
      );
      services.push(
        await bootstrapService({
          rootModule: AppModule.forRoot(config),
          config,
          port: 0,
          description: `billing-service ${index} under test`,
          ownsProcess: false,
        }),
      );
    }
    return new InvoiceTestFleet(services, db, observer, new TestTokens(secrets, 'device-service'), namespace);
  }

  http(instance = 0) {
    return request(this.services[instance].url);
  }

  generator(instance = 0): InvoiceGeneratorService {
    return this.services[instance].app.get(InvoiceGeneratorService);
  }

  invoices(instance = 0): InvoicesService {
    return this.services[instance].app.get(InvoicesService);
  }

  /** GET with a bearer token. */
  get(path: string, token: string, instance = 0) {
    return this.http(instance).get(path).set('Authorization', `Bearer ${token}`);
  }

  /** POST with a bearer token. */
  post(path: string, token: string, body: object) {
    return this.http().post(path).set('Authorization', `Bearer ${token}`).send(body);
  }

  /**
   * Moves the users' ledger entries written in the last hour (by the calls just made) to `at`,
   * so a test can build a past month through the service's own routes.
   */
  async backdate(userIds: string[], at: string): Promise<void> {
    await this.db.query(
      `UPDATE ledger_entries SET created_at = $2
       WHERE created_at > now() - interval '1 hour'
         AND account_id IN (SELECT id FROM accounts WHERE user_id = ANY($1::uuid[]))`,
      [userIds, at],
    );
  }

  /** The numbers issued for `period` (`YYYY-MM`) in order, and the month's counter. */
  async numbersOf(period: string): Promise<{ numbers: string[]; counter: number }> {
    const rows = await this.db.query<{ number: string }>(
      `SELECT number FROM invoices WHERE period_start = $1 ORDER BY number`,
      [`${period}-01`],
    );
    const [counter] = await this.db.query<{ last_value: number }>(
      `SELECT last_value FROM invoice_number_counters WHERE period = $1`,
      [period.replace('-', '')],
    );
    return { numbers: rows.map((row) => row.number), counter: counter?.last_value ?? 0 };
  }

  async close(): Promise<void> {
    for (const service of this.services) await service.app.close();
    await this.observer.cleanUp(billingConsumerQueues(this.namespace));
    await this.db.drop();
  }
}

/** The first day of the month `offset` months from now (UTC), e.g. `monthStart(-1)` = last month. */
export function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

/** An instant on `day` (1-28) of the month `offset` months from now, at `hour` UTC. */
export function dayOf(offset: number, day: number, hour = 12): string {
  const start = monthStart(offset);
  return new Date(start.getTime() + ((day - 1) * 24 + hour) * 3600_000).toISOString();
}

/** `YYYY-MM` of the month `offset` months from now. */
export function periodOf(offset: number): string {
  return monthStart(offset).toISOString().slice(0, 7);
}

/** Matches observed events of `type` about `userId`. */
export function isEventFor(type: string, userId: string) {
  return ({ envelope }: { envelope: { type: string; data: unknown } }) =>
    envelope.type === type && (envelope.data as { userId: string }).userId === userId;
}

/** A proxy charge of 100 for `userId`, in USD, with a fresh reference. */
export function chargeRequest(
  userId: string,
  overrides: Partial<ServiceChargeRequest>,
): ServiceChargeRequest {
  return {
    reference: `proxy-rental:${randomUUID()}`,
    userId,
    tenantId: 'default',
    source: 'proxy',
    description: 'Proxy rental, 24 h',
    amountMinor: '100',
    currency: 'USD',
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}
