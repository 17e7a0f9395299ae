import { randomUUID } from 'node:crypto';
import { CronAdminService } from '../cron/cron-admin.service';
import { RedisConnectionManager } from '../redis/redis-connection.manager';
import {
  createTestDatabase,
  EventObserver,
  EventsTestApp,
  type TestDatabase,
  uniqueTestId,
  waitFor,
} from '../testing';

// An app built on the real InfrastructureModule, with no job of its own, against a migrated
// database, Redis and RabbitMQ: the events-housekeeping job comes with the events library.
describe('events-housekeeping job (real Postgres, Redis and RabbitMQ)', () => {
  let database: TestDatabase;
  let namespace: string;
  let redisPrefix: string;
  let app: EventsTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('proxy-service');
    namespace = uniqueTestId('housekeeping');
    redisPrefix = `${namespace}:`;
    app = await EventsTestApp.start({
      serviceName: 'housekeeping-test',
      databaseUrl: database.url,
      messagingNamespace: namespace,
      env: { REDIS_KEY_PREFIX: redisPrefix },
    });
  });

  afterAll(async () => {
    if (app) {
      const redis = app.app.get(RedisConnectionManager);
      const keys = await redis.client.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.client.unlink(...keys);
      await app.close();
    }
    const observer = await EventObserver.connect(`${namespace}.events`);
    await observer.cleanUp([]);
    await database?.drop();
  });

  it('is registered in every app, daily at 03:30 UTC', async () => {
    // Right after the start the store's Redis command connection may still be connecting (no offline
    // queue: a command then fails rather than waits), as a request to /internal/cron would be told.
    const { jobs } = await waitFor(
      () =>
        app.app
          .get(CronAdminService)
          .describe()
          .catch(() => undefined),
      {
        description: 'the cron state store reachable',
      },
    );
    expect(jobs).toEqual([
      expect.objectContaining({
        name: 'events-housekeeping',
        handler: 'EventsHousekeepingJob.trim',
        expression: '30 3 * * *',
        timeZone: 'UTC',
        disabled: false,
        paused: false,
      }),
    ]);
    const next = new Date(String(jobs[0].nextFireAt));
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 30]);
  });

  it('when run, deletes sent outbox rows and inbox ids past their retention, and nothing else', async () => {
    const ids = { oldSent: randomUUID(), recentSent: randomUUID(), oldUnsent: randomUUID() };
    await database.query(
      `INSERT INTO outbox (event_id, event_type, aggregate_key, data, occurred_at, next_attempt_at, sent_at) VALUES
         ($1, 'proxy.assigned', 'proxy:1', '{}', now() - interval '200 hours', now(), now() - interval '100 hours'),
         ($2, 'proxy.assigned', 'proxy:2', '{}', now() - interval '2 hours', now(), now() - interval '1 hour'),
         ($3, 'proxy.assigned', 'proxy:3', '{}', now() - interval '200 hours', now() + interval '1 day', NULL)`,
      [ids.oldSent, ids.recentSent, ids.oldUnsent],
    );
    const inbox = { old: randomUUID(), recent: randomUUID() };
    await database.query(
      `INSERT INTO inbox (event_id, event_type, source, handled_at) VALUES
         ($1, 'user.created', 'user-service', now() - interval '400 hours'),
         ($2, 'user.created', 'user-service', now() - interval '1 hour')`,
      [inbox.old, inbox.recent],
    );

    const admin = app.app.get(CronAdminService);
    await admin.trigger('events-housekeeping', 'user:test');
    const run = await waitFor(
      async () => (await admin.describe()).jobs[0].lastRuns.find((record) => record.trigger === 'manual'),
      { description: 'the events-housekeeping run to be recorded' },
    );
    expect(run).toMatchObject({ job: 'events-housekeeping', outcome: 'success' });

    const outbox = await database.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY id');
    expect(outbox.map((row) => row.event_id)).toEqual([ids.recentSent, ids.oldUnsent]);
    const kept = await database.query<{ event_id: string }>('SELECT event_id FROM inbox');
    expect(kept.map((row) => row.event_id)).toEqual([inbox.recent]);
  });
});
