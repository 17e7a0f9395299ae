import { randomUUID } from 'node:crypto';
import { bootstrapService, CacheService, loadConfig, type RunningService } from '@cloudphone/shared';
import {
  createTestDatabase,
  createTestSecrets,
  deleteMessagingNamespace,
  serviceEnvironment,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
} from '@cloudphone/shared/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { DeviceServiceConfig } from '../src/config/device-service.config';
import { DEVICE_PROVIDER, type DeviceProvider } from '../src/integrations/device-provider/device-provider';

/** A `devices` row as the database holds it. */
export interface DeviceRow extends Record<string, unknown> {
  id: string;
  provider: string;
  provider_device_id: string;
  region: string;
  android_version: string;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  status: string;
  health: string;
  created_at: Date;
  updated_at: Date;
}

export type AllocationHoldingStatus = 'pending' | 'active';

/** A valid `POST /devices` body. */
export const NEW_DEVICE = {
  region: 'eu-west-1',
  androidVersion: '13',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
};

/** The fields of a DeviceResponse the tests read. */
export interface CreatedDevice extends Record<string, unknown> {
  id: string;
  providerDeviceId: string;
  updatedAt: string;
}

/**
 * device-service in this process (real Postgres, Redis and RabbitMQ, port 0) on a fresh migrated
 * database, with the simulated provider answering at once unless `env` says otherwise.
 */
export class DevicesTestApp {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly tokens: TestTokens,
    private readonly namespace: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<DevicesTestApp> {
    const db = await createTestDatabase('device-service');
    const secrets = createTestSecrets();
    const namespace = uniqueTestId('devices');
    try {
      const config = loadConfig(
        DeviceServiceConfig,
        serviceEnvironment({
          databaseUrl: db.url,
          secrets,
          messagingNamespace: namespace,
          overrides: { LOG_LEVEL: 'fatal', SIMULATED_PROVIDER_LATENCY_MS: '0', ...env },
        }),
      );
      const service = await bootstrapService({
        rootModule: AppModule.forRoot(config),
        config,
        port: 0,
        description: 'device-service under test',
        ownsProcess: false,
      });
      return new DevicesTestApp(service, db, new TestTokens(secrets, 'billing-service'), namespace);
    } catch (error) {
      await db.drop();
      throw error;
    }
  }

  get http() {
    return request(this.service.url);
  }

  /** The simulated provider the app runs, to see what it was asked to do. */
  get provider(): DeviceProvider {
    return this.service.app.get<DeviceProvider>(DEVICE_PROVIDER);
  }

  get cache(): CacheService {
    return this.service.app.get(CacheService);
  }

  /** A token of a new admin each time: every admin has their own write budget. */
  admin(): string {
    return this.tokens.admin();
  }

  /** Creates a device through `POST /devices` as a new admin. */
  async createDevice(body: Record<string, unknown>): Promise<CreatedDevice> {
    const response = await this.http
      .post('/devices')
      .set('Authorization', `Bearer ${this.admin()}`)
      .send(body);
    if (response.status !== 201)
      throw new Error(`POST /devices answered ${response.status}: ${response.text}`);
    return response.body as CreatedDevice;
  }

  /** Adds a device directly in SQL (as the seed does) and returns its id. */
  async insertDevice(
    overrides: Partial<Pick<DeviceRow, 'provider' | 'status' | 'region'>> = {},
  ): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb,
                            status)
       VALUES ($1, $2, $3, '13', 4, 8192, 64, $4) RETURNING id`,
      [
        overrides.provider ?? 'simulated',
        `sim-test-${randomUUID()}`,
        overrides.region ?? 'eu-west-1',
        overrides.status ?? 'available',
      ],
    );
    return row.id;
  }

  /** Inserts an allocation holding the device, as a claim would; returns its id. */
  async holdDevice(deviceId: string, status: AllocationHoldingStatus = 'active'): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      `WITH claimed AS (
         UPDATE devices SET claim_sequence = claim_sequence + 1 WHERE id = $2 RETURNING claim_sequence
       )
       INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
         android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at)
       SELECT $1, $2, $3, 'default', $4, claimed.claim_sequence, 'eu-west-1', '13', 4, 8192, 64, 30, now(),
              now() + interval '30 minutes'
       FROM claimed
       RETURNING id`,
      [randomUUID(), deviceId, randomUUID(), status],
    );
    return row.id;
  }

  /** Ends an allocation the way a release does (the device becomes free). */
  async endAllocation(allocationId: string): Promise<void> {
    await this.db.query(
      `UPDATE device_allocations
       SET status = 'released', ended_at = now(), end_reason = 'released', billed_seconds = 1
       WHERE id = $1`,
      [allocationId],
    );
  }

  async device(id: string): Promise<DeviceRow | undefined> {
    const [row] = await this.db.query<DeviceRow>(`SELECT * FROM devices WHERE id = $1`, [id]);
    return row;
  }

  /** Every device row, for "nothing was written" checks. */
  devices(): Promise<DeviceRow[]> {
    return this.db.query<DeviceRow>(`SELECT * FROM devices ORDER BY id`);
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.db.drop();
    // device-service consumes billing events: its durable queues outlive the app.
    await deleteMessagingNamespace(this.namespace, ['device-service']);
  }
}
