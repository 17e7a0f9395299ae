import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  createTestDatabase,
  createTestSecrets,
  deleteMessagingNamespace,
  deleteRedisKeys,
  serviceEnvironment,
  ServiceProcess,
  type TestDatabase,
  type TestSecrets,
  TestTokens,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';
import { CRON_TEST_RUNS_TABLE } from './fixtures/cron-test-app/cron-test-runs.table';
import { PrivateRedis } from './support/private-redis';

// Real replicas of e2e/fixtures/cron-test-app (built by `npm run build`): its job fires every
// second and inserts one row per run into Postgres, so runs per tick can be counted.
const ENTRY = 'dist/e2e/fixtures/cron-test-app/main.js';
const SECOND = 1000;

jest.setTimeout(90_000);

describe('@ClusterSafeCron across real processes', () => {
  let db: TestDatabase;
  let secrets: TestSecrets;
  let tokens: TestTokens;
  const processes: ServiceProcess[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase('user-service', { migrate: false });
    await db.query(CRON_TEST_RUNS_TABLE);
    secrets = createTestSecrets();
    tokens = new TestTokens(secrets);
  });

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    for (const prefix of prefixes) await deleteRedisKeys(prefix);
    await db?.drop();
  });

  function newPrefix(label: string): string {
    const prefix = `${uniqueTestId(label)}:`;
    prefixes.push(prefix);
    return prefix;
  }

  async function startReplicas(
    prefix: string,
    replicas: Array<{ instanceId: string; env?: Record<string, string> }>,
  ): Promise<ServiceProcess[]> {
    const started = await Promise.all(
      replicas.map(({ instanceId, env }) =>
        ServiceProcess.start({
          service: 'cron-test-app',
          entry: ENTRY,
          env: serviceEnvironment({
            databaseUrl: db.url,
            redisKeyPrefix: prefix.slice(0, -1),
            secrets,
            overrides: { INSTANCE_ID: instanceId, DOCS_ENABLED: 'false', ...env },
          }),
        }),
      ),
    );
    processes.push(...started);
    return started;
  }

  /** Scheduled runs per tick (epoch ms) of the given instances within [from, to]. */
  async function runsPerTick(instances: string[], from = 0, to = Number.MAX_SAFE_INTEGER) {
    const rows = await db.query<{ tick: string; runs: number }>(
      `SELECT scheduled_at_ms AS tick, count(*)::int AS runs FROM cron_test_runs
       WHERE instance_id = ANY($1) AND trigger = 'schedule' AND scheduled_at_ms BETWEEN $2 AND $3
       GROUP BY scheduled_at_ms`,
      [instances, from, to],
    );
    return new Map(rows.map((row) => [Number(row.tick), row.runs]));
  }

  /** Every tick in [from, to] ran exactly once: lists the ticks that did not, for a readable failure. */
  async function expectOncePerTick(instances: string[], from: number, to: number): Promise<void> {
    const counts = await runsPerTick(instances, from, to);
    const wrong: string[] = [];
    for (let tick = from; tick <= to; tick += SECOND) {
      const runs = counts.get(tick) ?? 0;
      if (runs !== 1) wrong.push(`${new Date(tick).toISOString()} ran ${runs}×`);
    }
    expect(wrong).toEqual([]);
  }

  async function expectNeverTwice(instances: string[]): Promise<void> {
    const doubled = [...(await runsPerTick(instances)).entries()].filter(([, runs]) => runs > 1);
    expect(doubled).toEqual([]);
  }

  const nextWholeSecond = () => Math.ceil(Date.now() / SECOND) * SECOND;
  const untilPast = (epochMs: number) => sleep(Math.max(epochMs - Date.now(), 0));

  describe('three replicas', () => {
    const ids = ['trio-1', 'trio-2', 'trio-3'];
    let replicas: ServiceProcess[];

    beforeAll(async () => {
      replicas = await startReplicas(
        newPrefix('trio'),
        ids.map((instanceId) => ({ instanceId })),
      );
    });

    it('run every tick exactly once over 10 ticks, none missed', async () => {
      const from = nextWholeSecond() + SECOND;
      const to = from + 10 * SECOND;
      await untilPast(to + 1500);
      await expectOncePerTick(ids, from, to);
      await expectNeverTwice(ids);
    });

    it('list, pause, resume and trigger the job cluster-wide through /internal/cron', async () => {
      const admin = { authorization: `Bearer ${tokens.admin()}` };
      const listing = await fetch(`${replicas[1].url}/internal/cron`, { headers: admin });
      expect(listing.status).toBe(200);
      const body = (await listing.json()) as { instanceId: string; jobs: Array<Record<string, unknown>> };
      expect(body.instanceId).toBe('trio-2');
      // Every app also has the events library's daily events-housekeeping job.
      expect(body.jobs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'tick-counter', expression: '* * * * * *', paused: false }),
          expect.objectContaining({ name: 'events-housekeeping', expression: '30 3 * * *', paused: false }),
        ]),
      );
      const tickCounter = body.jobs.find((job) => job.name === 'tick-counter')!;
      const lastRuns = tickCounter.lastRuns as Array<{ instanceId: string; outcome: string }>;
      expect(lastRuns.length).toBeGreaterThan(0);
      expect(ids).toEqual(expect.arrayContaining([lastRuns[0].instanceId]));

      const asService = await fetch(`${replicas[0].url}/internal/cron`, {
        headers: { authorization: `Bearer ${tokens.service()}` },
      });
      expect(asService.status).toBe(200);
      const asUser = await fetch(`${replicas[0].url}/internal/cron`, {
        headers: { authorization: `Bearer ${tokens.user()}` },
      });
      expect(asUser.status).toBe(403);
      const unknown = await fetch(`${replicas[0].url}/internal/cron/no-such-job/trigger`, {
        method: 'POST',
        headers: admin,
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'CRON_JOB_NOT_FOUND' });

      const paused = await fetch(`${replicas[0].url}/internal/cron/tick-counter/pause`, {
        method: 'POST',
        headers: admin,
      });
      expect(await paused.json()).toEqual({ job: 'tick-counter', paused: true });
      const pausedFrom = nextWholeSecond() + SECOND;
      await untilPast(pausedFrom + 2 * SECOND + 500);
      expect((await runsPerTick(ids, pausedFrom, pausedFrom + 2 * SECOND)).size).toBe(0);
      const refused = await fetch(`${replicas[2].url}/internal/cron/tick-counter/trigger`, {
        method: 'POST',
        headers: admin,
      });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'CRON_JOB_PAUSED' });

      await fetch(`${replicas[1].url}/internal/cron/tick-counter/resume`, { method: 'POST', headers: admin });
      const resumedFrom = nextWholeSecond() + SECOND;
      await untilPast(resumedFrom + 2 * SECOND + 500);
      await expectOncePerTick(ids, resumedFrom, resumedFrom + 2 * SECOND);

      await sleep(300);
      const triggered = await fetch(`${replicas[2].url}/internal/cron/tick-counter/trigger`, {
        method: 'POST',
        headers: admin,
      });
      if (triggered.status === 409) {
        // The scheduled run of this second holds the lock; a trigger never overlaps it.
        expect(await triggered.json()).toMatchObject({ code: 'CRON_JOB_RUNNING' });
      } else {
        expect(triggered.status).toBe(202);
        expect(await triggered.json()).toMatchObject({ job: 'tick-counter', instanceId: 'trio-3' });
        await waitFor(
          async () =>
            (
              await db.query(
                `SELECT 1 FROM cron_test_runs WHERE trigger = 'manual' AND instance_id = 'trio-3'`,
              )
            ).length === 1,
          { description: 'the triggered run' },
        );
      }
    });

    it('after kill -9 of the replica running the job mid-run, later ticks still run exactly once', async () => {
      const victim = await waitFor(
        async () => {
          const [row] = await db.query<{ instance_id: string; tick: string }>(
            `SELECT instance_id, scheduled_at_ms AS tick FROM cron_test_runs
             WHERE finished_at IS NULL AND trigger = 'schedule' AND instance_id = ANY($1)
             ORDER BY id DESC LIMIT 1`,
            [ids],
          );
          return row;
        },
        { intervalMs: 10, timeoutMs: 10_000, description: 'a run in progress' },
      );
      const killed = replicas[ids.indexOf(victim.instance_id)];
      await killed.stop('SIGKILL');
      const killedTick = Number(victim.tick);

      // The dead replica's lock lease (maxRunMs, 2 s) must lapse; ticks in between are skipped.
      const from = killedTick + 3 * SECOND;
      const to = from + 5 * SECOND;
      await untilPast(to + 1500);
      await expectOncePerTick(ids, from, to);
      await expectNeverTwice(ids);
      const [killedRun] = await db.query<{ finished: boolean }>(
        `SELECT finished_at IS NOT NULL AS finished FROM cron_test_runs
         WHERE scheduled_at_ms = $1 AND instance_id = ANY($2) AND trigger = 'schedule'`,
        [killedTick, ids],
      );
      expect(killedRun.finished).toBe(false);
    });
  });

  it('one run per tick when replicas’ clocks are skewed by ±400 ms', async () => {
    const ids = ['skew-zero', 'skew-plus', 'skew-minus'];
    await startReplicas(newPrefix('skew'), [
      { instanceId: 'skew-zero' },
      { instanceId: 'skew-plus', env: { TEST_CLOCK_OFFSET_MS: '400' } },
      { instanceId: 'skew-minus', env: { TEST_CLOCK_OFFSET_MS: '-400' } },
    ]);
    const from = nextWholeSecond() + SECOND;
    const to = from + 10 * SECOND;
    await untilPast(to + 1500);
    await expectOncePerTick(ids, from, to);
    await expectNeverTwice(ids);
    const winners = await db.query<{ instance_id: string }>(
      `SELECT DISTINCT instance_id FROM cron_test_runs WHERE instance_id = ANY($1)`,
      [ids],
    );
    // The replica whose clock runs ahead fires first, so it wins ticks: the skew was really in play.
    expect(winners.map((row) => row.instance_id)).toContain('skew-plus');
  });

  it('Redis down: nothing runs, let alone twice; HTTP keeps answering; jobs resume when it is back', async () => {
    const redis = await PrivateRedis.start();
    try {
      const ids = ['outage-1', 'outage-2'];
      const replicas = await startReplicas(
        newPrefix('outage'),
        ids.map((instanceId) => ({ instanceId, env: { REDIS_URL: redis.url } })),
      );
      const before = nextWholeSecond() + SECOND;
      await untilPast(before + 2 * SECOND + 500);
      await expectOncePerTick(ids, before, before + 2 * SECOND);

      await redis.stop();
      const downAt = Date.now();
      await sleep(1500);
      for (const replica of replicas) {
        const started = Date.now();
        expect((await fetch(`${replica.url}/health/live`)).status).toBe(200);
        // Degraded, not out of rotation: HTTP keeps being served without Redis.
        const ready = await fetch(`${replica.url}/health/ready`);
        expect(ready.status).toBe(200);
        expect(((await ready.json()) as { degraded: string[] }).degraded).toContain('redis');
        expect(Date.now() - started).toBeLessThan(3000);
      }
      await untilPast(downAt + 4 * SECOND);
      await redis.restart();
      const upAt = Date.now();

      const during = await runsPerTick(ids, downAt + SECOND, upAt - SECOND);
      expect([...during.keys()]).toEqual([]);
      const after = Math.ceil((upAt + 4 * SECOND) / SECOND) * SECOND;
      await untilPast(after + 3 * SECOND + 1500);
      await expectOncePerTick(ids, after, after + 3 * SECOND);
      await expectNeverTwice(ids);
    } finally {
      await redis.stop();
    }
  });

  it('the in-process driver runs alone, and refuses under CLUSTER_MODE=on or a PM2 cluster env', async () => {
    const [alone] = await startReplicas(newPrefix('memory'), [
      { instanceId: 'memory-alone', env: { COORDINATION_DRIVER: 'memory' } },
    ]);
    await waitFor(async () => (await runsPerTick(['memory-alone'])).size >= 1, {
      description: 'an in-process run',
    });
    await alone.stop();

    const refusals: Array<[Record<string, string>, string]> = [
      [{ CLUSTER_MODE: 'on' }, 'CLUSTER_MODE=on'],
      [
        { instances: '3', NODE_APP_INSTANCE: '1', exec_mode: 'cluster_mode', pm_id: '4' },
        'PM2 cluster mode (exec_mode=cluster_mode, instances=3)',
      ],
    ];
    for (const [env, signal] of refusals) {
      const start = startReplicas(newPrefix('refused'), [
        { instanceId: 'memory-refused', env: { COORDINATION_DRIVER: 'memory', ...env } },
      ]);
      await expect(start).rejects.toThrow(signal);
      await expect(start).rejects.toThrow('COORDINATION_DRIVER=memory refused');
    }
  });

  it('a real service (device-service) schedules its job, and an admin can trigger it', async () => {
    const deviceDb = await createTestDatabase('device-service');
    const namespace = uniqueTestId('cron-device');
    try {
      const prefix = newPrefix('device');
      const service = await ServiceProcess.start({
        service: 'device-service',
        env: serviceEnvironment({
          databaseUrl: deviceDb.url,
          redisKeyPrefix: prefix.slice(0, -1),
          messagingNamespace: namespace,
          secrets,
        }),
      });
      processes.push(service);
      const admin = { authorization: `Bearer ${tokens.admin()}` };
      const listing = (await (await fetch(`${service.url}/internal/cron`, { headers: admin })).json()) as {
        jobs: Array<{ name: string; handler: string }>;
      };
      expect(listing.jobs).toContainEqual(
        expect.objectContaining({ name: 'device-metrics', handler: 'DeviceMetricsJob.collect' }),
      );
      const triggered = await fetch(`${service.url}/internal/cron/device-metrics/trigger`, {
        method: 'POST',
        headers: admin,
      });
      expect(triggered.status).toBe(202);
      await waitFor(
        async () =>
          (await (await fetch(`${service.url}/metrics`)).text()).includes(
            'cloudphone_cron_runs_total{cron_job="device-metrics",outcome="success"',
          ),
        { description: 'the device-metrics run to succeed' },
      );
      await service.stop();
    } finally {
      await deviceDb.drop();
      await deleteMessagingNamespace(namespace, ['device-service']);
    }
  });
});
