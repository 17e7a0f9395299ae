import { randomUUID } from 'node:crypto';
import { type DeviceSpec, SERVICE_CATALOG } from '@cloudphone/contracts';
import { bootstrapService, loadConfig, type RunningService } from '@cloudphone/shared';
import { cronJobsRunByHand, ServiceFleet, uniqueTestId } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { DeviceServiceConfig } from '../src/config/device-service.config';
import { SchedulerClock } from '../src/modules/allocations/scheduler-clock';
import { DeviceHandOver } from '../src/modules/devices';

const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;

/** A settable clock: starts at the real time, moves only when the test says so. */
export class ManualClock extends SchedulerClock {
  private shown = new Date(Math.floor(Date.now() / 1000) * 1000);

  async now(): Promise<Date> {
    return new Date(this.shown);
  }

  timeToRecord(): Date {
    return new Date(this.shown);
  }

  /** The time it shows, without a round trip. */
  current(): Date {
    return new Date(this.shown);
  }

  set(at: Date): void {
    this.shown = new Date(at);
  }

  advance(ms: number): void {
    this.shown = new Date(this.shown.getTime() + ms);
  }
}

/** A fresh name per call that devices and nodes accept as a region: lower-case letters, digits and `-`. */
export const uniqueRegion = (label: string): string => uniqueTestId(label).replace(/_/g, '-');

/** A body as the route answers it when it succeeds, with the error answer's fields besides. */
export type Answer<T> = T & { code?: string; message?: string; details?: Record<string, unknown> };

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A test device: any spec field, region or Android version left out takes addDevices' default. */
export interface TestDeviceSpec extends Partial<DeviceSpec> {
  region?: string;
  androidVersion?: string;
}

/**
 * device-service booted in this process (so its clock can be set) against real user-service and
 * billing-service processes, Postgres, Redis and RabbitMQ. Events of the platform are recorded by
 * `fleet.observer`.
 */
export class SchedulerTestApp {
  private constructor(
    readonly fleet: ServiceFleet,
    readonly device: RunningService,
    readonly clock: ManualClock,
  ) {}

  static async start(environment: Record<string, string> = {}): Promise<SchedulerTestApp> {
    const fleet = await ServiceFleet.start({
      processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: 0 },
      observe: ['device.#', 'allocation.#', 'billing.#', 'reservation.#', 'queue.#'],
      environment: { RATE_LIMIT_WRITE_POINTS: '0' },
    });
    try {
      const clock = new ManualClock();
      const config = loadConfig(DeviceServiceConfig, {
        ...fleet.environmentFor(DEVICE),
        ...environment,
        CRON_SCHEDULE_OVERRIDES: cronJobsRunByHand(environment.CRON_SCHEDULE_OVERRIDES),
      });
      const device = await bootstrapService({
        rootModule: AppModule.forRoot(config, { clock }),
        config,
        port: 0,
        description: 'device-service under test',
        ownsProcess: false,
      });
      return new SchedulerTestApp(fleet, device, clock);
    } catch (error) {
      await fleet.stop();
      throw error;
    }
  }

  get tokens() {
    return this.fleet.tokens;
  }

  /** One query on device-service's database. */
  query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.fleet.databases[DEVICE]!.query<T>(sql, params);
  }

  billingQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.fleet.databases[BILLING]!.query<T>(sql, params);
  }

  /** A JSON request to device-service (or `service`). */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
    service: 'device' | 'user' | 'billing' = 'device',
  ): Promise<HttpAnswer<T>> {
    const base = service === 'device' ? this.device.url : this.fleet.url(service === 'user' ? USER : BILLING);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${base}/${path.replace(/^\//, '')}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  }

  /** A user in user-service (tier decides the quota) with `balanceMinor` credited in billing. */
  async createUser(
    options: { tier?: string; balanceMinor?: string } = {},
  ): Promise<{ id: string; token: string }> {
    const admin = this.tokens.admin();
    const created = await this.request<{ id: string }>(
      'POST',
      'users',
      {
        token: admin,
        body: {
          email: `${uniqueTestId('user')}@example.com`,
          password: 'a-long-enough-password',
          displayName: 'Scheduler test user',
          tier: options.tier ?? 'pro',
        },
      },
      'user',
    );
    if (created.status !== 201) throw new Error(`creating a user answered ${created.status}`);
    const id = created.body.id;
    if (options.balanceMinor !== '0') {
      const topUp = await this.request(
        'POST',
        `billing/accounts/${id}/top-up`,
        {
          token: admin,
          body: { amountMinor: options.balanceMinor ?? '100000', reference: uniqueTestId('ref') },
        },
        'billing',
      );
      if (topUp.status !== 200) throw new Error(`top-up answered ${topUp.status}`);
    }
    return { id, token: this.tokens.user({ userId: id }) };
  }

  /** Inserts `count` available, healthy devices of one spec; returns their ids. */
  async addDevices(count: number, spec: TestDeviceSpec = {}): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
       SELECT 'simulated', 'test-' || $1 || '-' || n, $2, $3, $4, $5, $6 FROM generate_series(1, $7) AS n
       RETURNING id`,
      [
        randomUUID().slice(0, 8),
        spec.region ?? 'eu-west-1',
        spec.androidVersion ?? '13',
        spec.cpuCores ?? 4,
        spec.memoryMb ?? 8192,
        spec.storageGb ?? 64,
        count,
      ],
    );
    return rows.map((row) => row.id);
  }

  /** The user's quota usage in user-service. */
  /** Wipes every device waiting in `resetting` now (a release hands devices over for a wipe first). */
  async wipeReleasedDevices(): Promise<void> {
    await this.get(DeviceHandOver).runPass();
  }

  async quotaUsage(userId: string): Promise<{ devices: number; cpuCores: number }> {
    const answer = await this.request<{ usage: { devices: number; cpuCores: number } }>(
      'GET',
      `quotas/${userId}`,
      { token: this.tokens.service() },
      'user',
    );
    return answer.body.usage;
  }

  /** Usage records billing holds for the user. */
  billingRecords(userId: string) {
    return this.billingQuery<{ allocation_id: string; billed_seconds: number; amount_minor: string }>(
      'SELECT allocation_id, billed_seconds, amount_minor FROM usage_records WHERE user_id = $1',
      [userId],
    );
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.device.app.get(type);
  }

  async close(): Promise<void> {
    await this.device.app.close();
    await this.fleet.stop();
  }
}
