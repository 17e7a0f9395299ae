import { randomUUID } from 'node:crypto';
import amqp, { type ConsumeMessage } from 'amqplib';
import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type EventEnvelope } from '@cloudphone/contracts';
import { IsBoolean, IsInt, Min } from 'class-validator';
import {
  createTestDatabase,
  EventObserver,
  EventsTestApp,
  TEST_SERVERS,
  type TestDatabase,
  uniqueTestId,
  waitFor,
} from '../testing';
import { SqlClient } from '../database/sql-client';
import { OnEvent } from './on-event.decorator';
import { UnprocessableEventError } from './unprocessable-event.error';

const SERVICE = 'consumer-test';

class OrderCreated {
  @IsInt()
  @Min(0)
  n!: number;
}

class PoisonPill {
  @IsBoolean()
  bad!: boolean;
}

class GarbageIn {
  @IsBoolean()
  nonsense!: boolean;
}

/** Handlers under test: each writes a row through the delivery's transaction. */
@Injectable()
class TestHandlers {
  poisonCalls = 0;
  unprocessableCalls = 0;
  goodHandledAt: number[] = [];
  orders: EventEnvelope<OrderCreated>[] = [];

  constructor(private readonly sql: SqlClient) {}

  @OnEvent('order.*')
  async onOrder(event: EventEnvelope<OrderCreated>): Promise<void> {
    this.orders.push(event);
    await this.sql.rows('INSERT INTO handled (event_id, n) VALUES ($1, $2)', [event.id, event.data.n]);
    this.goodHandledAt.push(Date.now());
  }

  @OnEvent('poison.#')
  async onPoison(event: EventEnvelope): Promise<void> {
    this.poisonCalls += 1;
    // Written, then rolled back with the failure: a failed attempt leaves nothing behind.
    await this.sql.rows('INSERT INTO handled (event_id, n) VALUES ($1, -1)', [event.id]);
    throw new Error('this handler always fails');
  }

  @OnEvent('garbage.*')
  async onGarbage(event: EventEnvelope): Promise<void> {
    this.unprocessableCalls += 1;
    await this.sql.rows('INSERT INTO handled (event_id, n) VALUES ($1, -2)', [event.id]);
    throw new UnprocessableEventError('payload breaks the schema');
  }
}

describe('event consumers (real Postgres and RabbitMQ)', () => {
  let database: TestDatabase;
  let namespace: string;
  let observer: EventObserver;
  let app: EventsTestApp;
  let handlers: TestHandlers;
  const queue = () => `${namespace}.${SERVICE}`;
  const retryDelays = [400, 800];

  const publish = (type: 'order.created' | 'poison.pill' | 'garbage.in', data: unknown, id = randomUUID()) =>
    app.transactions.run(() => app.publisher.publish({ id, type, aggregateId: randomUUID(), data }));
  const handledRows = async (eventId: string) =>
    (await database.query('SELECT 1 FROM handled WHERE event_id = $1', [eventId])).length;

  const startApp = () =>
    EventsTestApp.start({
      serviceName: SERVICE,
      databaseUrl: database.url,
      messagingNamespace: namespace,
      providers: [TestHandlers],
      eventPayloads: {
        'order.created': { 1: OrderCreated },
        'poison.pill': { 1: PoisonPill },
        'garbage.in': { 1: GarbageIn },
      },
      env: {
        EVENTS_RELAY_POLL_INTERVAL_MS: '200',
        EVENTS_CONSUMER_RETRY_DELAYS_MS: retryDelays.join(','),
      },
    });

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    await database.query('CREATE TABLE handled (event_id uuid NOT NULL, n integer NOT NULL)');
    namespace = uniqueTestId('consumer');
    observer = await EventObserver.connect(`${namespace}.events`);
    app = await startApp();
    handlers = app.app.get(TestHandlers);
    await waitFor(async () => (await observer.consumerCount(queue())) > 0, {
      description: `a consumer on ${queue()} (its bindings made)`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await observer?.cleanUp([
      queue(),
      `${queue()}.dlq`,
      ...retryDelays.map((delay) => `${queue()}.retry.${delay}ms`),
    ]);
    await database?.drop();
  });

  it('handles a published event once, committing the handler write with the inbox row', async () => {
    const [id] = await publish('order.created', { n: 7 });
    await waitFor(async () => (await handledRows(id)) === 1, {
      timeoutMs: 10000,
      description: 'the handler write',
    });
    expect(await database.query('SELECT event_type, source FROM inbox WHERE event_id = $1', [id])).toEqual([
      { event_type: 'order.created', source: SERVICE },
    ]);
    // The handler got the payload validated, as an instance of its class.
    expect(handlers.orders.find((event) => event.id === id)?.data).toBeInstanceOf(OrderCreated);
  });

  it('handles a duplicate delivery only once', async () => {
    const [id] = await publish('order.created', { n: 1 });
    await waitFor(async () => (await handledRows(id)) === 1, {
      timeoutMs: 10000,
      description: 'the first delivery',
    });
    const envelope: EventEnvelope = {
      id,
      type: 'order.created',
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'somewhere',
      data: { n: 1 },
    };
    const duplicatesBefore = await app.counter('cloudphone_events_consumed_total', { outcome: 'duplicate' });
    await observer.publishRaw('order.created', Buffer.from(JSON.stringify(envelope)));
    await observer.publishRaw('order.created', Buffer.from(JSON.stringify(envelope)));
    await waitFor(
      async () =>
        (await app.counter('cloudphone_events_consumed_total', { outcome: 'duplicate' })) ===
        duplicatesBefore + 2,
      { timeoutMs: 10000, description: 'two duplicates to be skipped' },
    );
    expect(await handledRows(id)).toBe(1);
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [id])).toHaveLength(1);
  });

  it('sends an always-failing event to the dead-letter queue after all attempts while later events flow', async () => {
    const [poisonId] = await publish('poison.pill', { bad: true });
    const goodIds: string[] = [];
    for (let n = 0; n < 20; n += 1) goodIds.push(...(await publish('order.created', { n })));
    const goodCount = async () =>
      Number(
        (
          await database.query<{ n: string }>('SELECT count(*) AS n FROM handled WHERE event_id = ANY($1)', [
            goodIds,
          ])
        )[0].n,
      );
    await waitFor(async () => (await goodCount()) === 20, {
      timeoutMs: 15000,
      description: 'the 20 good events',
    });
    // The good events did not wait for the poison message's retries.
    expect(handlers.poisonCalls).toBeLessThan(retryDelays.length + 1);

    const dead = await waitFor(
      async () => {
        const messages = await observer.drain(`${queue()}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { timeoutMs: 20000, description: 'the poison event in the dead-letter queue' },
    );
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].content)).toMatchObject({ id: poisonId, type: 'poison.pill' });
    expect(dead[0].headers).toMatchObject({
      'x-attempt': retryDelays.length + 1,
      'x-dead-letter-reason': 'handler_failed',
    });
    expect(String(dead[0].headers['x-last-error'])).toContain('this handler always fails');
    expect(handlers.poisonCalls).toBe(retryDelays.length + 1);
    expect(await handledRows(poisonId)).toBe(0);
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [poisonId])).toHaveLength(0);
    expect(await app.counter('cloudphone_events_retries_total', { type: 'poison.pill' })).toBe(
      retryDelays.length,
    );
    expect(await app.counter('cloudphone_events_dead_lettered_total', { reason: 'handler_failed' })).toBe(1);
  });

  it('moves an undecodable message straight to the dead-letter queue and keeps consuming', async () => {
    await observer.publishRaw('order.created', Buffer.from('{not json'));
    const dead = await waitFor(
      async () => {
        const messages = await observer.drain(`${queue()}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { timeoutMs: 10000, description: 'the undecodable message in the dead-letter queue' },
    );
    expect(dead).toEqual([expect.objectContaining({ content: '{not json' })]);
    expect(dead[0].headers['x-dead-letter-reason']).toBe('invalid_envelope');
    const [id] = await publish('order.created', { n: 99 });
    await waitFor(async () => (await handledRows(id)) === 1, {
      timeoutMs: 10000,
      description: 'a later event',
    });
  });

  it('moves an event whose payload breaks its class straight to the dead-letter queue, writing nothing', async () => {
    const envelope = (data: unknown, version = 1): EventEnvelope => ({
      id: randomUUID(),
      type: 'order.created',
      version,
      occurredAt: new Date().toISOString(),
      source: 'somewhere',
      data,
    });
    // What another service's publisher could send; this one's refuses it (see the test below).
    const invalid = envelope({ n: -1, extra: 'tolerated' });
    const unknownVersion = envelope({ n: 1 }, 2);
    const ordersBefore = handlers.orders.length;
    for (const event of [invalid, unknownVersion]) {
      await observer.publishRaw(event.type, Buffer.from(JSON.stringify(event)));
    }
    const dead: Awaited<ReturnType<EventObserver['drain']>> = [];
    await waitFor(
      async () => {
        dead.push(...(await observer.drain(`${queue()}.dlq`)));
        return dead.length >= 2;
      },
      { timeoutMs: 10000, description: 'both invalid events in the dead-letter queue' },
    );
    expect(dead).toHaveLength(2);
    const byId = new Map(dead.map((message) => [JSON.parse(message.content).id as string, message.headers]));
    expect(byId.get(invalid.id)).toMatchObject({ 'x-attempt': 1, 'x-dead-letter-reason': 'invalid_payload' });
    expect(String(byId.get(invalid.id)?.['x-last-error'])).toBe(
      'order.created v1: n: must not be less than 0',
    );
    expect(byId.get(unknownVersion.id)).toMatchObject({ 'x-dead-letter-reason': 'invalid_payload' });
    expect(String(byId.get(unknownVersion.id)?.['x-last-error'])).toBe(
      'order.created v2: unknown version (known: v1)',
    );
    const ids = [invalid.id, unknownVersion.id];
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [ids])).toEqual([]);
    expect(await database.query('SELECT 1 FROM handled WHERE event_id = ANY($1)', [ids])).toEqual([]);
    expect(handlers.orders.length).toBe(ordersBefore);
    expect(await app.counter('cloudphone_events_dead_lettered_total', { reason: 'invalid_payload' })).toBe(2);
    expect(await app.counter('cloudphone_events_retries_total', { type: 'order.created' })).toBe(0);
  });

  it('refuses to publish a payload that breaks its class, failing the transaction', async () => {
    const id = randomUUID();
    await expect(publish('order.created', { n: 'seven' }, id)).rejects.toThrow(
      /^Invalid event payload: order\.created v1: n: .*must be an integer number/,
    );
    expect(await database.query('SELECT 1 FROM outbox WHERE event_id = $1', [id])).toEqual([]);
  });

  it('moves an event whose handler calls it unprocessable straight to the dead-letter queue', async () => {
    const [id] = await publish('garbage.in', { nonsense: true });
    const dead = await waitFor(
      async () => {
        const messages = await observer.drain(`${queue()}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { timeoutMs: 10000, description: 'the unprocessable event in the dead-letter queue' },
    );
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].content)).toMatchObject({ id, type: 'garbage.in' });
    expect(dead[0].headers).toMatchObject({ 'x-attempt': 1, 'x-dead-letter-reason': 'unprocessable' });
    expect(String(dead[0].headers['x-last-error'])).toContain('payload breaks the schema');
    expect(handlers.unprocessableCalls).toBe(1);
    expect(await handledRows(id)).toBe(0);
    expect(await app.counter('cloudphone_events_retries_total', { type: 'garbage.in' })).toBe(0);
    expect(await app.counter('cloudphone_events_dead_lettered_total', { reason: 'unprocessable' })).toBe(1);
  });

  it('trims sent outbox rows and old inbox ids past their retention, and nothing else', async () => {
    const [recent] = await publish('order.created', { n: 5 });
    await waitFor(async () => (await handledRows(recent)) === 1, {
      timeoutMs: 10000,
      description: 'the event',
    });
    await database.query(`UPDATE outbox SET sent_at = now() - interval '100 hours' WHERE event_id <> $1`, [
      recent,
    ]);
    await database.query(`UPDATE inbox SET handled_at = now() - interval '400 hours' WHERE event_id <> $1`, [
      recent,
    ]);
    const oldOutbox = Number(
      (
        await database.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE event_id <> $1', [recent])
      )[0].n,
    );
    const oldInbox = Number(
      (
        await database.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE event_id <> $1', [recent])
      )[0].n,
    );
    await database.query(
      `INSERT INTO outbox (event_id, event_type, aggregate_key, data, occurred_at, next_attempt_at)
       VALUES ($1, 'order.created', 'order:unsent', '{}', now() - interval '200 hours', now() + interval '1 day')`,
      [randomUUID()],
    );

    const result = await app.maintenance.trimProcessed();
    expect(result).toEqual({ outboxRowsDeleted: oldOutbox, inboxRowsDeleted: oldInbox });
    const outbox = await database.query<{ event_id: string; sent: boolean }>(
      'SELECT event_id, sent_at IS NOT NULL AS sent FROM outbox ORDER BY id',
    );
    expect(outbox).toEqual([{ event_id: recent, sent: true }, expect.objectContaining({ sent: false })]);
    expect(await database.query('SELECT event_id FROM inbox')).toEqual([{ event_id: recent }]);
  });

  it('declares no queue for a service without handlers', async () => {
    const bare = await EventsTestApp.start({
      serviceName: 'no-handlers',
      databaseUrl: database.url,
      messagingNamespace: namespace,
    });
    try {
      await waitFor(() => bare.rabbitmq.isConnected(), { description: 'the bare app to connect' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await observer.queueExists(`${namespace}.no-handlers`)).toBe(false);
    } finally {
      await bare.close();
    }
  });

  /**
   * A confirm channel that binds the service's queue to `type` as an earlier version of the service
   * would, and publishes `type` with `mandatory`: `returned` lists what no queue took.
   */
  async function earlierVersionBinding(type: string) {
    const connection = await amqp.connect(TEST_SERVERS.rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    const returned: string[] = [];
    channel.on('return', (message: ConsumeMessage) => returned.push(message.fields.routingKey));
    await channel.bindQueue(queue(), `${namespace}.events`, type);
    const publishType = async () => {
      channel.publish(`${namespace}.events`, type, Buffer.from('{}'), { mandatory: true });
      await channel.waitForConfirms();
    };
    return { connection, channel, returned, publishType };
  }

  it('unbinds an announcement an earlier version of the service bound, at its next start', async () => {
    // As device-service bound `billing.usage_recorded` before it read charges from billing's answers.
    const {
      connection,
      returned,
      publishType: announce,
    } = await earlierVersionBinding(DOMAIN_EVENTS.billingUsageRecorded);
    try {
      await announce();
      expect(returned).toEqual([]);
      await app.close();
      app = await startApp();
      await waitFor(async () => (await observer.consumerCount(queue())) > 0, {
        description: `the consumer on ${queue()} again`,
      });
      await announce();
      expect(returned).toEqual([DOMAIN_EVENTS.billingUsageRecorded]);
      // Its own bindings are kept.
      const id = randomUUID();
      await publish('order.created', { n: 1 }, id);
      await waitFor(async () => (await handledRows(id)) === 1, {
        description: 'the event handled after the restart',
      });
    } finally {
      await connection.close();
    }
  });

  it('unbinds the queue an earlier version left when no handler is left, keeping what it holds', async () => {
    // As billing-service bound the allocation events before it asked device-service instead.
    const {
      connection,
      channel,
      returned,
      publishType: allocated,
    } = await earlierVersionBinding(DOMAIN_EVENTS.deviceAllocated);
    try {
      await app.close();
      await allocated();
      expect(returned).toEqual([]);
      const held = (await channel.checkQueue(queue())).messageCount;
      app = await EventsTestApp.start({
        serviceName: SERVICE,
        databaseUrl: database.url,
        messagingNamespace: namespace,
      });
      let sent = 0;
      await waitFor(
        async () => {
          sent += 1;
          await allocated();
          return returned.length > 0;
        },
        { description: `${DOMAIN_EVENTS.deviceAllocated} unroutable once the queue is unbound` },
      );
      // The queue and what it held stay, for an operator (the events sent before the unbind
      // included); nothing consumes it.
      expect(await channel.checkQueue(queue())).toMatchObject({
        messageCount: held + sent - 1,
        consumerCount: 0,
      });
    } finally {
      await connection.close();
    }
  });
});
