import { Logger } from '@nestjs/common';
import type { BaseServiceConfig } from '../config/base-service.config';
import { DistributedLockService } from '../lock/distributed-lock.service';
import { InProcessLockDriver } from '../lock/in-process-lock.driver';
import { MetricsService } from '../metrics/metrics.service';
import { CronRunner } from './cron-runner.service';
import { CronSchedule } from './cron-schedule';
import { type CronRunContext, type RegisteredCronJob, SYSTEM_CLOCK } from './cron.types';
import { InProcessCronStateStore } from './in-process-cron-state.store';

// The in-process store must give the same once-per-tick answer as Redis when a catch-up and a
// scheduled run of one tick meet (a standalone instance restarting right after a tick).
function standaloneRunner(): {
  runner: CronRunner;
  store: InProcessCronStateStore;
  locks: DistributedLockService;
} {
  const metrics = new MetricsService('cron-unit');
  const store = new InProcessCronStateStore(null, 20);
  const locks = new DistributedLockService(new InProcessLockDriver(null), metrics);
  const config = { instanceId: 'standalone', serviceName: 'cron-unit' } as BaseServiceConfig;
  return { runner: new CronRunner(store, locks, config, SYSTEM_CLOCK, metrics), store, locks };
}

function cronJob(
  handler: (context: CronRunContext) => Promise<unknown>,
  expression = '* * * * * *',
): RegisteredCronJob {
  return {
    definition: {
      name: 'in-process-job',
      expression,
      timeZone: 'UTC',
      maxRunMs: 1000,
      minHoldMs: 0,
      overlap: 'skip',
      catchUp: true,
      jitterMs: 0,
      handlerName: 'Test.run',
      handler,
    },
    schedule: new CronSchedule(expression, 'UTC'),
  };
}

describe('CronRunner on the in-process store', () => {
  const tick = Math.floor(Date.now() / 1000) * 1000 - 10_000;

  beforeAll(() => Logger.overrideLogger(false));

  it('runs a tick once when its catch-up and its scheduled run both fire, in either order', async () => {
    const { runner } = standaloneRunner();
    const runs: CronRunContext[] = [];
    const job = cronJob(async (context) => void runs.push(context));
    expect(await runner.runTick(job, tick, 'catch-up')).toBe('ran');
    expect(await runner.runTick(job, tick, 'schedule')).toBe('claimed-elsewhere');
    expect(await runner.runTick(job, tick + 1000, 'schedule')).toBe('ran');
    expect(await runner.runTick(job, tick + 1000, 'catch-up')).toBe('claimed-elsewhere');
    expect(runs.map((run) => [run.scheduledAt.getTime(), run.trigger])).toEqual([
      [tick, 'catch-up'],
      [tick + 1000, 'schedule'],
    ]);
  });

  it('keeps a tick claimed until its next tick, however irregular the schedule (no late catch-up)', async () => {
    // Only Date moves: the runner's own timers and the promise queue keep running for real.
    jest.useFakeTimers({
      now: Date.parse('2025-01-15T10:00:01.000Z'),
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setImmediate',
        'setInterval',
        'clearInterval',
        'nextTick',
        'queueMicrotask',
        'performance',
        'hrtime',
      ],
    });
    try {
      const { runner, locks } = standaloneRunner();
      const runs: CronRunContext[] = [];
      // 09:00 and 10:00 daily: the 10:00 tick's next tick is 23 h away, though the two after it are 1 h apart.
      const job = cronJob(async (context) => void runs.push(context), '0 0 9,10 * * *');
      const tenOClock = Date.parse('2025-01-15T10:00:00.000Z');
      const previousRun = await locks.acquire('cron:cron-unit:in-process-job', { ttlMs: 60_000 });
      if (!previousRun) throw new Error('the job lock should have been free');
      expect(await runner.runTick(job, tenOClock, 'schedule')).toBe('lock-held');
      await locks.release('cron:cron-unit:in-process-job', previousRun.token);
      // A catch-up asking for 10:00 just before the next tick (a replica booting then) finds it claimed.
      jest.setSystemTime(Date.parse('2025-01-16T08:59:00.000Z'));
      expect(await runner.runTick(job, tenOClock, 'catch-up')).toBe('claimed-elsewhere');
      expect(runs).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('records the caught-up tick as completed under its own tick, like a scheduled run', async () => {
    const { runner, store } = standaloneRunner();
    const job = cronJob(async () => undefined);
    await runner.runTick(job, tick, 'catch-up');
    expect(await store.lastCompletedTick('in-process-job')).toBe(tick);
    const [state] = (await store.describe(['in-process-job'], 5)).values();
    expect(state.lastRuns).toEqual([
      expect.objectContaining({ tick: String(tick), trigger: 'catch-up', outcome: 'success' }),
    ]);
  });
});
