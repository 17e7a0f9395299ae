import { setTimeout as sleep } from 'node:timers/promises';
import { Global, Injectable, Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BaseServiceConfig } from '../config/base-service.config';
import { composeConfig } from '../config/compose-config';
import { RedisConfig } from '../redis/redis.config';
import { loadConfig } from '../config/config-loader';
import { HealthService } from '../health/health.service';
import { currentLock } from '../lock/held-lock.context';
import { Lock } from '../lock/lock.decorator';
import { MetricsService } from '../metrics/metrics.service';
import { ClusterSafeCron } from './cluster-safe-cron.decorator';
import { CoordinationModule } from './coordination.module';
import { CronAdminService } from './cron-admin.service';
import { CronConfig } from './cron.config';
import type { CronClock, CronRunContext } from './cron.types';

class TestConfig extends composeConfig(BaseServiceConfig, RedisConfig, CronConfig) {
  readonly serviceName = 'coordination-unit';
}

const BASE_ENV = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'x'.repeat(32),
  SERVICE_TOKEN_SECRET: 'y'.repeat(32),
  COORDINATION_DRIVER: 'memory',
  INSTANCE_ID: 'unit-1',
  CRON_SHUTDOWN_GRACE_MS: '300',
};

function configFor(env: Record<string, string> = {}): TestConfig {
  return loadConfig(TestConfig, { ...BASE_ENV, ...env });
}

@Injectable()
class TickJob {
  readonly runs: CronRunContext[] = [];
  abortedAtShutdown = false;
  lockedResource: string | undefined;

  @ClusterSafeCron('* * * * * *', { name: 'tick' })
  async onTick(context: CronRunContext): Promise<void> {
    this.runs.push(context);
    await this.lockedStep(context.scheduledAt.getTime());
  }

  @Lock('tick-step:{0}', { ttlMs: 1000 })
  async lockedStep(_scheduledAt: number): Promise<void> {
    this.lockedResource = currentLock()?.resource;
  }
}

@Injectable()
class StubbornJob {
  started = false;
  abortReason: unknown;

  @ClusterSafeCron('* * * * * *', { name: 'stubborn' })
  async run({ signal }: CronRunContext): Promise<void> {
    this.started = true;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    this.abortReason = signal.reason;
  }
}

@Injectable()
class YearlyJob {
  readonly runs: CronRunContext[] = [];

  @ClusterSafeCron('0 0 1 1 *', { name: 'yearly', jitterMs: 5000 })
  async run(context: CronRunContext): Promise<void> {
    this.runs.push(context);
  }
}

async function createApp(
  config: TestConfig,
  jobs: Array<new (...args: never[]) => unknown>,
  clock?: CronClock,
): Promise<INestApplicationContext> {
  @Global()
  @Module({
    providers: [
      ...[BaseServiceConfig, RedisConfig, CronConfig].map((slice) => ({ provide: slice, useValue: config })),
      { provide: MetricsService, useValue: new MetricsService(config.serviceName) },
      { provide: HealthService, useValue: new HealthService(1000) },
    ],
    exports: [BaseServiceConfig, RedisConfig, CronConfig, MetricsService, HealthService],
  })
  class FakeInfrastructureModule {}

  @Module({
    imports: [FakeInfrastructureModule, CoordinationModule.forRoot({ config, clock })],
    providers: jobs,
  })
  class TestAppModule {}

  // Runs the init hooks, so the jobs are discovered and scheduled when this resolves.
  return NestFactory.createApplicationContext(TestAppModule, { logger: false, abortOnError: false });
}

describe('CoordinationModule', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('discovers @ClusterSafeCron methods, fires them on whole seconds and binds @Lock', async () => {
    const app = await createApp(configFor(), [TickJob]);
    try {
      const job = app.get(TickJob);
      await sleep(2300);
      expect(job.runs.length).toBeGreaterThanOrEqual(2);
      const ticks = job.runs.map((run) => run.scheduledAt.getTime());
      expect(ticks.every((tick) => tick % 1000 === 0)).toBe(true);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(job.runs[0]).toMatchObject({ instanceId: 'unit-1', catchUp: false, trigger: 'schedule' });
      expect(job.lockedResource).toBe(`tick-step:${ticks.at(-1)}`);

      const listing = await app.get(CronAdminService).describe();
      expect(listing.jobs).toEqual([
        expect.objectContaining({
          name: 'tick',
          handler: 'TickJob.onTick',
          expression: '* * * * * *',
          paused: false,
        }),
      ]);
      expect(listing.jobs[0].lastRuns[0]).toMatchObject({
        job: 'tick',
        outcome: 'success',
        instanceId: 'unit-1',
      });
    } finally {
      await app.close();
    }
  });

  it('claims ticks by their scheduled time even when the clock is skewed', async () => {
    const app = await createApp(configFor(), [TickJob], { now: () => Date.now() + 400 });
    try {
      await sleep(1700);
      const ticks = app.get(TickJob).runs.map((run) => run.scheduledAt.getTime());
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.every((tick) => tick % 1000 === 0)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('at shutdown stops firing, and aborts a running job’s signal once the grace period ends', async () => {
    const app = await createApp(configFor(), [StubbornJob]);
    const job = app.get(StubbornJob);
    while (!job.started) await sleep(50);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(job.abortReason).toMatchObject({ code: 'CRON_SHUTTING_DOWN' });
  });

  it('lists each job’s next fire time from the scheduler clock, in the job’s time zone', async () => {
    @Injectable()
    class CalendarJobs {
      @ClusterSafeCron('0 9 * * 1', { name: 'monday-berlin', timeZone: 'Europe/Berlin' })
      weekly(): string {
        return 'weekly';
      }

      @ClusterSafeCron('*/15 * * * *', { name: 'quarter-hour' })
      often(): string {
        return 'often';
      }
    }
    // Friday noon UTC; Berlin moves to summer time (UTC+2) on Sunday, before the next Monday 09:00.
    const now = Date.parse('2025-03-28T12:00:00.000Z');
    const app = await createApp(configFor(), [CalendarJobs], { now: () => now });
    const admin = app.get(CronAdminService);
    const nextFireAt = async () =>
      Object.fromEntries((await admin.describe()).jobs.map((job) => [job.name, job.nextFireAt]));
    expect(await nextFireAt()).toEqual({
      'monday-berlin': '2025-03-31T07:00:00.000Z',
      'quarter-hour': '2025-03-28T12:15:00.000Z',
    });
    await app.close();
    expect(await nextFireAt()).toEqual({ 'monday-berlin': null, 'quarter-hour': null });
  });

  it('applies CRON_SCHEDULE_OVERRIDES: a new schedule runs, a disabled job is listed and only runs by hand', async () => {
    const config = configFor({
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({
        yearly: { expression: '* * * * * *', jitterMs: 0 },
        tick: { disabled: true },
      }),
    });
    const app = await createApp(config, [TickJob, YearlyJob]);
    try {
      await sleep(2300);
      expect(app.get(YearlyJob).runs.length).toBeGreaterThanOrEqual(2);
      expect(app.get(TickJob).runs).toEqual([]);

      const admin = app.get(CronAdminService);
      const { jobs } = await admin.describe();
      expect(jobs).toEqual([
        expect.objectContaining({
          name: 'tick',
          expression: '* * * * * *',
          declaredExpression: '* * * * * *',
          override: { disabled: true },
          disabled: true,
          nextFireAt: null,
          lastRuns: [],
        }),
        expect.objectContaining({
          name: 'yearly',
          expression: '* * * * * *',
          declaredExpression: '0 0 1 1 *',
          override: { expression: '* * * * * *', jitterMs: 0 },
          disabled: false,
          jitterMs: 0,
          nextFireAt: expect.any(String),
        }),
      ]);
      expect(Date.parse(String(jobs[1].nextFireAt)) - Date.now()).toBeLessThanOrEqual(1000);

      await admin.trigger('tick', 'user:unit');
      await sleep(100);
      expect(app.get(TickJob).runs.map((run) => run.trigger)).toEqual(['manual']);
    } finally {
      await app.close();
    }
  });

  it('refuses to start when CRON_SCHEDULE_OVERRIDES names a job the app does not have', async () => {
    const config = configFor({ CRON_SCHEDULE_OVERRIDES: '{"tick": "*/5 * * * * *", "tock": "* * * * *"}' });
    await expect(createApp(config, [TickJob, YearlyJob])).rejects.toThrow(
      'CRON_SCHEDULE_OVERRIDES names "tock", which coordination-unit has no cron job of; its jobs are: tick, yearly',
    );
  });

  it('refuses two jobs with the same name', async () => {
    @Injectable()
    class DuplicateTickJob {
      @ClusterSafeCron('* * * * *', { name: 'tick' })
      run(): string {
        return 'ran';
      }
    }
    await expect(createApp(configFor(), [TickJob, DuplicateTickJob])).rejects.toThrow(
      'job name "tick" is already used',
    );
  });

  it.each([
    [{ CLUSTER_MODE: 'on' }, 'CLUSTER_MODE=on'],
    [{ instances: '4', NODE_APP_INSTANCE: '0', exec_mode: 'cluster_mode' }, 'instances=4'],
    [{ NODE_APP_INSTANCE: '2' }, 'NODE_APP_INSTANCE=2'],
    [{ instances: '1', NODE_APP_INSTANCE: '0', exec_mode: 'cluster_mode' }, 'exec_mode=cluster_mode'],
    [{ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, 'KUBERNETES_SERVICE_HOST'],
  ])('refuses the in-process driver under %j, naming the signal', (env, signal) => {
    expect(() => CoordinationModule.forRoot({ config: configFor(env) })).toThrow(signal);
    expect(() => CoordinationModule.forRoot({ config: configFor(env) })).toThrow(
      'COORDINATION_DRIVER=memory refused',
    );
  });

  it('allows the in-process driver for one PM2 fork-mode instance or a single-replica Kubernetes pod', () => {
    expect(() =>
      CoordinationModule.forRoot({
        config: configFor({ instances: '1', NODE_APP_INSTANCE: '0', exec_mode: 'fork_mode' }),
      }),
    ).not.toThrow();
    expect(() =>
      CoordinationModule.forRoot({
        config: configFor({ CLUSTER_MODE: 'off', KUBERNETES_SERVICE_HOST: '10.0.0.1' }),
      }),
    ).not.toThrow();
  });

  it('refuses PM2 cluster mode even with CLUSTER_MODE=off: a reload runs two workers side by side', () => {
    expect(() =>
      CoordinationModule.forRoot({ config: configFor({ CLUSTER_MODE: 'off', exec_mode: 'cluster_mode' }) }),
    ).toThrow(/PM2 cluster mode/);
  });
});
