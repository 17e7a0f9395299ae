import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { BaseServiceConfig } from '../config/base-service.config';
import { DistributedLockService } from '../lock/distributed-lock.service';
import { RedisLockDriver } from '../lock/redis-lock.driver';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import { histogramSummary, TcpProxy, TEST_SERVERS, uniqueTestId, waitFor } from '../testing';
import { CronRunner } from './cron-runner.service';
import { CronSchedule } from './cron-schedule';
import {
  type CronJobDefinition,
  type CronRunContext,
  type RegisteredCronJob,
  SYSTEM_CLOCK,
} from './cron.types';
import { RedisCronStateStore } from './redis-cron-state.store';
import { deferred } from '../testing/deferred';

const prefix = `${uniqueTestId('cron')}:`;
const managers: RedisConnectionManager[] = [];
const SECOND = 1000;

interface Replica {
  runner: CronRunner;
  store: RedisCronStateStore;
  metrics: MetricsService;
}

async function replica(instanceId: string, url = TEST_SERVERS.redisUrl, historySize = 20): Promise<Replica> {
  const redis = new RedisConnectionManager({
    url,
    keyPrefix: prefix,
    commandTimeoutMs: 500,
    connectionName: instanceId,
  });
  managers.push(redis);
  await waitFor(() => redis.isReady(), { timeoutMs: 5000, description: 'Redis to be ready' });
  const metrics = new MetricsService('cron-int');
  const config = { instanceId, serviceName: 'cron-int' } as BaseServiceConfig;
  const store = new RedisCronStateStore(redis, 'cron-int', historySize);
  const locks = new DistributedLockService(new RedisLockDriver(redis), metrics);
  return { runner: new CronRunner(store, locks, config, SYSTEM_CLOCK, metrics), store, metrics };
}

function cronJob(
  handler: (context: CronRunContext) => Promise<unknown>,
  overrides: Partial<CronJobDefinition> = {},
): RegisteredCronJob {
  const definition: CronJobDefinition = {
    name: uniqueTestId('job'),
    expression: '* * * * * *',
    timeZone: 'UTC',
    maxRunMs: 5000,
    minHoldMs: 0,
    overlap: 'skip',
    catchUp: false,
    jitterMs: 0,
    handlerName: 'Test.run',
    handler,
    ...overrides,
  };
  return { definition, schedule: new CronSchedule(definition.expression, definition.timeZone) };
}

// Ticks relative to one fixed second, so a second boundary passing mid-test changes nothing.
const BASE_TICK = Math.floor(Date.now() / SECOND) * SECOND;
const tick = (offsetSeconds: number) => BASE_TICK + offsetSeconds * SECOND;

describe('CronRunner on Redis', () => {
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
  });

  afterAll(async () => {
    const keys = await managers[0].client.keys(`${prefix}*`);
    if (keys.length > 0) await managers[0].client.del(...keys);
    await Promise.all(managers.map((manager) => manager.close()));
  });

  it('runs a tick once when two replicas fire it together, and records who ran it', async () => {
    const runs: CronRunContext[] = [];
    const job = cronJob(async (context) => void runs.push(context));
    const scheduledAt = tick(-1);
    const results = await Promise.all([a, b].map((r) => r.runner.runTick(job, scheduledAt, 'schedule')));
    expect(results.sort()).toEqual(['claimed-elsewhere', 'ran']);
    expect(runs).toHaveLength(1);
    expect(runs[0].scheduledAt.getTime()).toBe(scheduledAt);
    const [state] = (await a.store.describe([job.definition.name], 5)).values();
    expect(state.lastRuns).toEqual([
      expect.objectContaining({
        outcome: 'success',
        instanceId: runs[0].instanceId,
        scheduledAt: new Date(scheduledAt).toISOString(),
      }),
    ]);
    const [winner, loser] = runs[0].instanceId === 'replica-a' ? [a, b] : [b, a];
    const success = { cron_job: job.definition.name, outcome: 'success' };
    const lockLabels = { lock: `cron:${job.definition.name}`, result: 'acquired' };
    expect(await histogramSummary(winner.metrics, 'cloudphone_cron_run_duration_seconds', success)).toEqual(
      expect.objectContaining({ count: 1 }),
    );
    expect(
      await histogramSummary(winner.metrics, 'cloudphone_lock_acquire_duration_seconds', lockLabels),
    ).toEqual(expect.objectContaining({ count: 1 }));
    // The loser never got past the claim: no lock attempt, no run.
    expect(await histogramSummary(loser.metrics, 'cloudphone_cron_run_duration_seconds', success)).toEqual({
      count: 0,
      sum: 0,
    });
    expect(
      await histogramSummary(loser.metrics, 'cloudphone_lock_acquire_duration_seconds', lockLabels),
    ).toEqual({
      count: 0,
      sum: 0,
    });
  });

  it('with jitterMs, delays each claim by up to the jitter and still runs every tick once', async () => {
    const jitterMs = 300;
    let firedAt = 0;
    const delays = new Map<number, number>();
    const job = cronJob(
      async ({ scheduledAt }) => void delays.set(scheduledAt.getTime(), Date.now() - firedAt),
      {
        jitterMs,
      },
    );
    const ticks = [-8, -7, -6, -5, -4, -3, -2, -1].map(tick);
    for (const scheduledAt of ticks) {
      firedAt = Date.now();
      // The later claimer often comes after the winner's whole run: the claim outlives the run.
      const results = await Promise.all([a, b].map((r) => r.runner.runTick(job, scheduledAt, 'schedule')));
      expect(results.sort()).toEqual(['claimed-elsewhere', 'ran']);
    }
    expect([...delays.keys()]).toEqual(ticks);
    // A winner waits the smaller of two uniform draws: all eight under 10 % of the jitter has odds ~2e-6.
    expect(Math.max(...delays.values())).toBeGreaterThanOrEqual(jitterMs / 10);
    expect(Math.max(...delays.values())).toBeLessThan(jitterMs + 250);
  });

  it('skips a tick while the previous run holds the lock (overlap skip) and records the skip', async () => {
    const gate = deferred();
    let running = 0;
    let overlapped = false;
    const job = cronJob(async () => {
      running += 1;
      overlapped ||= running > 1;
      await gate.promise;
      running -= 1;
    });
    const first = a.runner.runTick(job, tick(-2), 'schedule');
    await waitFor(() => running === 1, { description: 'first run to start' });
    expect(await b.runner.runTick(job, tick(-1), 'schedule')).toBe('lock-held');
    gate.resolve();
    expect(await first).toBe('ran');
    expect(overlapped).toBe(false);
    const [state] = (await a.store.describe([job.definition.name], 5)).values();
    expect(state.lastRuns.map((run) => [run.outcome, run.instanceId])).toEqual([
      ['success', 'replica-a'],
      ['skipped', 'replica-b'],
    ]);
    const skips = await b.metrics.registry.getSingleMetric('cloudphone_cron_skips_total')!.get();
    expect(skips.values).toContainEqual(
      expect.objectContaining({ value: 1, labels: { cron_job: job.definition.name, reason: 'lock_held' } }),
    );
    const lock = `cron:${job.definition.name}`;
    const acquire = 'cloudphone_lock_acquire_duration_seconds';
    expect((await histogramSummary(b.metrics, acquire, { lock, result: 'busy' })).count).toBe(1);
    expect((await histogramSummary(a.metrics, acquire, { lock, result: 'acquired' })).count).toBe(1);
  });

  it('waits for the previous run under overlap wait, never running both at once', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const job = cronJob(
      async () => {
        running += 1;
        runs += 1;
        overlapped ||= running > 1;
        await sleep(300);
        running -= 1;
      },
      { overlap: 'wait', expression: '*/10 * * * * *' },
    );
    // The waiting tick's next fire time (its wait limit) lies ≥10 s ahead whatever the wall clock says.
    const base = Math.ceil(Date.now() / 10_000) * 10_000;
    const results = await Promise.all([
      a.runner.runTick(job, base - 10_000, 'schedule'),
      sleep(50).then(() => b.runner.runTick(job, base, 'schedule')),
    ]);
    expect(results).toEqual(['ran', 'ran']);
    expect(runs).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('honours the cluster-wide pause switch, and runs again after resume', async () => {
    let runs = 0;
    const job = cronJob(async () => void (runs += 1));
    await a.store.pause(job.definition.name, { pausedAt: new Date().toISOString(), pausedBy: 'test' });
    expect(await b.runner.runTick(job, tick(-3), 'schedule')).toBe('paused');
    await expect(b.runner.runNow(job, 'test')).rejects.toMatchObject({ code: 'CRON_JOB_PAUSED' });
    expect(await a.store.resume(job.definition.name)).toBe(true);
    expect(await b.runner.runTick(job, tick(-2), 'schedule')).toBe('ran');
    expect(runs).toBe(1);
  });

  it('catches up the latest missed tick once, and not a tick that already ran', async () => {
    const runs: CronRunContext[] = [];
    const job = cronJob(async (context) => void runs.push(context));
    expect(await a.runner.runTick(job, tick(-5), 'schedule')).toBe('ran');
    const missed = tick(-2);
    const results = await Promise.all([a, b].map((r) => r.runner.runTick(job, missed, 'catch-up')));
    expect(results.sort()).toEqual(['claimed-elsewhere', 'ran']);
    expect(runs.map((run) => [run.scheduledAt.getTime(), run.catchUp])).toEqual([
      [tick(-5), false],
      [missed, true],
    ]);
    expect(await b.runner.runTick(job, tick(-5), 'catch-up')).toBe('claimed-elsewhere');
    // A claim lives a week at most, less than a monthly job's ticks are apart: once it has expired,
    // the completed run's record still stops the catch-up.
    await managers[0].client.del(`${prefix}cron:cron-int:{${job.definition.name}}:tick:${tick(-5)}`);
    expect(await b.runner.runTick(job, tick(-5), 'catch-up')).toBe('already-ran');
    expect(runs).toHaveLength(2);
  });

  it('runs a tick once when a booting replica’s catch-up and a late scheduled run race for it', async () => {
    const runs: CronRunContext[] = [];
    const job = cronJob(async (context) => void runs.push(context));
    // B boots just after tick T and catches it up; A's scheduled run of T, held back by its jitter,
    // claims T after B's run has finished.
    const caughtUp = tick(-4);
    expect(await b.runner.runTick(job, caughtUp, 'catch-up')).toBe('ran');
    expect(await a.runner.runTick(job, caughtUp, 'schedule')).toBe('claimed-elsewhere');
    // The other order: the scheduled run wins, the booting replica finds the tick taken.
    const scheduled = tick(-3);
    expect(await a.runner.runTick(job, scheduled, 'schedule')).toBe('ran');
    expect(await b.runner.runTick(job, scheduled, 'catch-up')).toBe('claimed-elsewhere');
    // And both at once.
    const together = tick(-2);
    const results = await Promise.all([
      a.runner.runTick(job, together, 'schedule'),
      b.runner.runTick(job, together, 'catch-up'),
    ]);
    expect(results.sort()).toEqual(['claimed-elsewhere', 'ran']);
    expect(runs.map((run) => run.scheduledAt.getTime())).toEqual([caughtUp, scheduled, together]);
    expect(runs.slice(0, 2).map((run) => [run.trigger, run.instanceId])).toEqual([
      ['catch-up', 'replica-b'],
      ['schedule', 'replica-a'],
    ]);
  });

  it('records failures and timeouts with their error, aborting the signal at maxRunMs', async () => {
    const failing = cronJob(async () => {
      throw new Error('provider said no');
    });
    await a.runner.runTick(failing, tick(-1), 'schedule');
    let abortReason: unknown;
    const slow = cronJob(
      async ({ signal }) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        abortReason = signal.reason;
        throw signal.reason;
      },
      { maxRunMs: 200 },
    );
    await a.runner.runTick(slow, tick(-1), 'schedule');
    expect(abortReason).toMatchObject({ code: 'CRON_RUN_TIMED_OUT' });
    const states = await a.store.describe([failing.definition.name, slow.definition.name], 5);
    expect(states.get(failing.definition.name)!.lastRuns[0]).toMatchObject({
      outcome: 'failure',
      error: 'provider said no',
    });
    expect(states.get(slow.definition.name)!.lastRuns[0]).toMatchObject({ outcome: 'timeout' });
    expect(await a.store.lastCompletedTick(failing.definition.name)).toBe(tick(-1));
    const durations = 'cloudphone_cron_run_duration_seconds';
    expect(
      await histogramSummary(a.metrics, durations, { cron_job: failing.definition.name, outcome: 'failure' }),
    ).toEqual(expect.objectContaining({ count: 1 }));
    const timedOut = await histogramSummary(a.metrics, durations, {
      cron_job: slow.definition.name,
      outcome: 'timeout',
    });
    expect(timedOut.count).toBe(1);
    expect(timedOut.sum).toBeGreaterThanOrEqual(0.19);
    expect(timedOut.sum).toBeLessThan(2);
  });

  it('keeps a bounded history', async () => {
    const small = await replica('replica-small', TEST_SERVERS.redisUrl, 3);
    const job = cronJob(async () => undefined);
    for (let offset = -6; offset < 0; offset += 1) await small.runner.runTick(job, tick(offset), 'schedule');
    const [state] = (await small.store.describe([job.definition.name], 10)).values();
    expect(state.lastRuns.map((run) => Date.parse(run.scheduledAt))).toEqual([tick(-1), tick(-2), tick(-3)]);
  });

  it('triggers a run now under the job lock, refusing a second while it runs', async () => {
    const gate = deferred();
    const runs: CronRunContext[] = [];
    const job = cronJob(async (context) => {
      runs.push(context);
      await gate.promise;
    });
    const manual = await a.runner.runNow(job, 'user:admin');
    expect(manual).toMatchObject({ job: job.definition.name, instanceId: 'replica-a' });
    await expect(b.runner.runNow(job, 'user:admin')).rejects.toMatchObject({
      code: 'CRON_JOB_RUNNING',
      httpStatus: 409,
    });
    expect(await b.runner.runTick(job, tick(0), 'schedule')).toBe('lock-held');
    gate.resolve();
    await waitFor(
      async () =>
        (await a.store.describe([job.definition.name], 1)).get(job.definition.name)!.lastRuns[0]?.trigger ===
        'manual',
      {
        description: 'the manual run to be recorded',
      },
    );
    expect(runs.map((run) => run.trigger)).toEqual(['manual']);
  });

  it('runs nothing while Redis is unreachable', async () => {
    const proxy = await new TcpProxy(
      '127.0.0.1',
      Number(new URL(TEST_SERVERS.redisUrl).port || 6379),
    ).start();
    try {
      const cut = await replica('replica-cut', proxy.wrap(TEST_SERVERS.redisUrl));
      let runs = 0;
      const job = cronJob(async () => void (runs += 1));
      proxy.cut();
      expect(await cut.runner.runTick(job, tick(-1), 'schedule')).toBe('unavailable');
      await expect(cut.runner.runNow(job, 'test')).rejects.toMatchObject({
        code: 'CRON_BACKEND_UNAVAILABLE',
      });
      expect(runs).toBe(0);
      proxy.restore();
      await waitFor(() => managers.at(-1)!.isReady(), {
        timeoutMs: 10000,
        description: 'Redis to reconnect',
      });
      expect(await cut.runner.runTick(job, tick(0), 'schedule')).toBe('ran');
      await managers.at(-1)!.close();
    } finally {
      await proxy.close();
    }
  });

  it('drains at shutdown: waits for the grace period, then aborts the run', async () => {
    const drainer = await replica('replica-drain');
    let reason: unknown;
    const job = cronJob(async ({ signal }) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      reason = signal.reason;
      throw signal.reason;
    });
    const run = drainer.runner.runTick(job, tick(-1), 'schedule');
    await sleep(100);
    const started = Date.now();
    await drainer.runner.drain(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(await run).toBe('ran');
    expect(reason).toMatchObject({ code: 'CRON_SHUTTING_DOWN' });
    expect(await drainer.runner.runTick(job, tick(0), 'schedule')).toBe('stopping');
    const [state] = (await drainer.store.describe([job.definition.name], 1)).values();
    expect(state.lastRuns[0].outcome).toBe('aborted');
  });
});
