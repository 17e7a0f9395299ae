import { randomUUID } from 'node:crypto';
import { type BillingUsageRecordedEventData, DOMAIN_EVENTS, type EventType } from '@cloudphone/contracts';
import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import {
  createTestDatabase,
  EventObserver,
  EventsTestApp,
  type ObservedMessage,
  TcpProxy,
  type TestDatabase,
  TEST_SERVERS,
  uniqueTestId,
  waitFor,
} from '../testing';
import { databaseWork } from '../database/database-work';
import { OutboxRepository, type OutboxRow } from './outbox.repository';

const SERVICE = 'relay-test';

class Sequenced {
  @IsInt()
  @Min(0)
  seq!: number;
}

class Happened {
  @IsOptional()
  @IsBoolean()
  ok?: boolean;
}

class OrphanHappened {
  @IsInt()
  n!: number;
}

/** The `seq` values of `received` per aggregate (header x-aggregate-key), first delivery of each event only. */
function sequencesByAggregate(received: ObservedMessage[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byAggregate = new Map<string, number[]>();
  for (const { envelope, message } of received) {
    if (seen.has(envelope.id)) continue;
    seen.add(envelope.id);
    const key = String(message.properties.headers?.['x-aggregate-key']);
    byAggregate.set(key, [...(byAggregate.get(key) ?? []), (envelope.data as Sequenced).seq]);
  }
  return byAggregate;
}

function expectAscending(byAggregate: Map<string, number[]>): void {
  for (const [aggregate, sequence] of byAggregate) {
    const sorted = [...sequence].sort((a, b) => a - b);
    expect({ aggregate, sequence }).toEqual({ aggregate, sequence: sorted });
  }
}

/** Publishes `perAggregate` events for each of `aggregates`, a few per transaction, seq ascending per aggregate. */
async function publishSequenced(
  app: EventsTestApp,
  type: EventType,
  aggregates: string[],
  perAggregate: number,
  perTransaction = 10,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < perAggregate; start += perTransaction) {
    await Promise.all(
      aggregates.map((aggregateId) =>
        app.transactions.run(async () => {
          const events = [];
          for (let seq = start; seq < Math.min(start + perTransaction, perAggregate); seq += 1) {
            events.push({ type, aggregateId, data: { seq } });
          }
          ids.push(...(await app.publisher.publish(events)));
        }),
      ),
    );
  }
  return ids;
}

describe('outbox relay (real Postgres and RabbitMQ)', () => {
  let database: TestDatabase;
  let namespace: string;
  let observer: EventObserver;
  const apps: EventsTestApp[] = [];

  const startApp = async (env: Record<string, string> = {}) => {
    const app = await EventsTestApp.start({
      serviceName: SERVICE,
      databaseUrl: database.url,
      messagingNamespace: namespace,
      eventPayloads: {
        'relaytest.happened': { 1: Happened },
        'relaytest.changed': { 1: Sequenced },
        'relaytest.moved': { 1: Sequenced },
        'orphan.happened': { 1: OrphanHappened },
      },
      env: { EVENTS_RELAY_POLL_INTERVAL_MS: '200', EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '200', ...env },
    });
    apps.push(app);
    return app;
  };

  const unsent = async () =>
    Number(
      (await database.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'))[0].n,
    );

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    namespace = uniqueTestId('relay');
    observer = await EventObserver.connect(`${namespace}.events`);
    await observer.observe('relaytest.#');
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    observer.received.splice(0);
    await database.query('DELETE FROM outbox');
  });

  afterAll(async () => {
    await observer?.cleanUp([]);
    await database?.drop();
  });

  it('claims and marks a batch in two round trips, and a failed batch leaves its rows unsent and the connection clean', async () => {
    const app = await startApp({
      EVENTS_RELAY_POLL_INTERVAL_MS: '60000',
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
    });
    await app.relay.stop();
    await publishSequenced(app, 'relaytest.changed' as EventType, ['agg-a', 'agg-b'], 3);
    const outbox = app.app.get(OutboxRepository);
    const before = { ...databaseWork };
    await expect(
      outbox.processNextBatch(10, async () => {
        throw new Error('publish blew up');
      }),
    ).rejects.toThrow('publish blew up');
    expect(await unsent()).toBe(6);
    // The pool's connections are usable, and none was left inside the aborted transaction.
    const [{ open }] = await database.query<{ open: string }>(
      `SELECT count(*) AS open FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(Number(open)).toBe(0);
    const seen: OutboxRow[] = [];
    const handled = await outbox.processNextBatch(10, async (rows) => {
      seen.push(...rows);
      return { sentIds: rows.map((row) => row.id), failures: [] };
    });
    expect(handled).toBe(6);
    expect(seen.map((row) => `${row.aggregateKey}:${JSON.parse(row.dataJson).seq}`).sort()).toEqual(
      ['agg-a:0', 'agg-a:1', 'agg-a:2', 'agg-b:0', 'agg-b:1', 'agg-b:2']
        .map((id) => `relaytest:${id}`)
        .sort(),
    );
    expect(seen.every((row) => row.occurredAt instanceof Date && typeof row.attempts === 'number')).toBe(
      true,
    );
    expect(await unsent()).toBe(0);
    // Failed pass: begin+claim, rollback; good pass: begin+claim, mark+commit.
    expect(databaseWork.roundTrips - before.roundTrips).toBe(4);
    expect(await outbox.processNextBatch(10, async () => ({ sentIds: [], failures: [] }))).toBe(0);
  });

  it('delivers nothing for a rolled-back transaction and the committed event right after commit', async () => {
    const app = await startApp({
      EVENTS_RELAY_POLL_INTERVAL_MS: '60000',
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
    });
    const rolledBackId = randomUUID();
    await expect(
      app.transactions.run(async () => {
        await app.publisher.publish({
          id: rolledBackId,
          type: 'relaytest.happened',
          aggregateId: 'a',
          data: {},
        });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    // With a 60 s poll only the after-commit wake-up can deliver in time.
    const committedId = randomUUID();
    await app.transactions.run(() =>
      app.publisher.publish({
        id: committedId,
        type: 'relaytest.happened',
        aggregateId: 'a',
        data: { ok: true },
      }),
    );
    const { envelope: committed } = await waitFor(
      () => observer.received.find(({ envelope }) => envelope.id === committedId),
      { timeoutMs: 10000, description: 'the committed event' },
    );
    expect(committed).toMatchObject({
      type: 'relaytest.happened',
      version: 1,
      source: SERVICE,
      data: { ok: true },
    });
    expect(Number.isNaN(Date.parse(committed.occurredAt))).toBe(false);
    expect(observer.received.map(({ envelope }) => envelope.id)).not.toContain(rolledBackId);
    expect(await database.query('SELECT 1 FROM outbox WHERE event_id = $1', [rolledBackId])).toHaveLength(0);
  });

  it('holds events while RabbitMQ is unreachable and delivers all of them, in order per aggregate, after reconnect', async () => {
    const proxy = await new TcpProxy(
      '127.0.0.1',
      Number(new URL(TEST_SERVERS.rabbitmqUrl).port || 5672),
    ).start();
    try {
      const app = await startApp({ RABBITMQ_URL: proxy.wrap(TEST_SERVERS.rabbitmqUrl) });
      await waitFor(() => app.rabbitmq.isConnected(), {
        description: 'the app to connect through the proxy',
      });
      proxy.cut();
      const aggregates = ['d1', 'd2', 'd3', 'd4'];
      const ids = await publishSequenced(app, 'relaytest.changed', aggregates, 50);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await unsent()).toBe(200);
      expect(observer.received).toHaveLength(0);
      expect(await app.counter('cloudphone_events_published_total')).toBe(0);

      proxy.restore();
      await waitFor(async () => (await unsent()) === 0, {
        timeoutMs: 30000,
        description: 'the outbox to drain',
      });
      await waitFor(() => new Set(observer.received.map(({ envelope }) => envelope.id)).size === 200, {
        timeoutMs: 10000,
        description: 'all 200 events at the observer',
      });
      expect(new Set(observer.received.map(({ envelope }) => envelope.id))).toEqual(new Set(ids));
      expectAscending(sequencesByAggregate(observer.received));

      // Cut again while a backlog is being relayed: nothing is lost and order per aggregate holds.
      observer.received.splice(0);
      const more = await publishSequenced(app, 'relaytest.changed', aggregates, 100, 25);
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.restore();
      await waitFor(async () => (await unsent()) === 0, {
        timeoutMs: 30000,
        description: 'the outbox to drain again',
      });
      await waitFor(() => new Set(observer.received.map(({ envelope }) => envelope.id)).size >= 400, {
        timeoutMs: 10000,
        description: 'all 400 events of the second round',
      });
      expect(new Set(observer.received.map(({ envelope }) => envelope.id))).toEqual(new Set(more));
      expectAscending(sequencesByAggregate(observer.received));
    } finally {
      await proxy.close();
    }
  });

  it('shares the work between two relays: every event once, in order per aggregate', async () => {
    const first = await startApp({ EVENTS_RELAY_BATCH_SIZE: '20' });
    const second = await startApp({ EVENTS_RELAY_BATCH_SIZE: '20' });
    const aggregates = Array.from({ length: 12 }, (_, index) => `agg-${index}`);
    // Both apps write (each its own aggregates, as writers serialise per aggregate) while both relays run.
    const [a, b] = await Promise.all([
      publishSequenced(first, 'relaytest.moved', aggregates.slice(0, 6), 60, 5),
      publishSequenced(second, 'relaytest.moved', aggregates.slice(6), 60, 5),
    ]);
    const expected = new Set([...a, ...b]);
    await waitFor(async () => (await unsent()) === 0, {
      timeoutMs: 30000,
      description: 'the outbox to drain',
    });
    await waitFor(() => observer.received.length >= expected.size, {
      timeoutMs: 10000,
      description: `${expected.size} events at the observer`,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = observer.received.map(({ envelope }) => envelope.id);
    expect(ids).toHaveLength(expected.size);
    expect(new Set(ids)).toEqual(expected);
    const sequences = sequencesByAggregate(observer.received);
    expect(sequences.size).toBe(12);
    expectAscending(sequences);
    const published = [
      await first.counter('cloudphone_events_published_total'),
      await second.counter('cloudphone_events_published_total'),
    ];
    expect(published[0] + published[1]).toBe(expected.size);
  });

  it('keeps an unroutable event unsent and retries it until a queue is bound', async () => {
    const app = await startApp();
    const id = randomUUID();
    await app.transactions.run(() =>
      app.publisher.publish({ id, type: 'orphan.happened', aggregateId: 'x', data: { n: 1 } }),
    );
    const failed = await waitFor(
      async () => {
        const [row] = await database.query<{
          sent_at: Date | null;
          attempts: number;
          last_error: string | null;
        }>('SELECT sent_at, attempts, last_error FROM outbox WHERE event_id = $1', [id]);
        return row.attempts >= 2 ? row : undefined;
      },
      { timeoutMs: 15000, description: 'two refused attempts' },
    );
    expect(failed.sent_at).toBeNull();
    expect(failed.last_error).toContain('unroutable');
    expect(
      await app.counter('cloudphone_events_publish_failures_total', { reason: 'unroutable' }),
    ).toBeGreaterThanOrEqual(2);
    expect(await app.counter('cloudphone_events_published_total')).toBe(0);

    await observer.observe('orphan.*');
    await waitFor(() => observer.received.some(({ envelope }) => envelope.id === id), {
      timeoutMs: 15000,
      description: 'the event once a queue is bound',
    });
    await waitFor(async () => (await unsent()) === 0, { description: 'the row to be marked sent' });
  });

  it('marks an announcement no queue is bound to sent, counting it, without an error', async () => {
    const app = await startApp();
    const id = randomUUID();
    const data: BillingUsageRecordedEventData = {
      usageId: randomUUID(),
      allocationId: randomUUID(),
      userId: randomUUID(),
      tenantId: 'default',
      billedSeconds: 60,
      amountMinor: '180',
      balanceMinor: '9820',
      currency: 'USD',
    };
    await app.transactions.run(() =>
      app.publisher.publish({ id, type: DOMAIN_EVENTS.billingUsageRecorded, aggregateId: 'usage:x', data }),
    );
    const sent = await waitFor(
      async () => {
        const [row] = await database.query<{ sent_at: Date | null; attempts: number }>(
          'SELECT sent_at, attempts FROM outbox WHERE event_id = $1',
          [id],
        );
        return row.sent_at ? row : undefined;
      },
      { timeoutMs: 15000, description: 'the announcement marked sent' },
    );
    expect(sent.attempts).toBe(0);
    expect(
      await app.counter('cloudphone_events_unrouted_total', { type: DOMAIN_EVENTS.billingUsageRecorded }),
    ).toBe(1);
    expect(await app.counter('cloudphone_events_publish_failures_total', { reason: 'unroutable' })).toBe(0);
  });
});
