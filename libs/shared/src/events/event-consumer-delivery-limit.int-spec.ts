import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@cloudphone/contracts';
import { IsString } from 'class-validator';
import {
  consumerQueueNames,
  createTestDatabase,
  EventObserver,
  EventsTestApp,
  TcpProxy,
  type TestDatabase,
  TEST_SERVERS,
  uniqueTestId,
  waitFor,
} from '../testing';
import { SqlClient } from '../database/sql-client';
import { OnEvent } from './on-event.decorator';

const SERVICE = 'delivery-limit-test';
const DELIVERY_LIMIT = 2;
const RETRY_DELAYS_MS = [60000];

// The app reaches RabbitMQ through a TcpProxy. Handling a `crash.*` event drops that connection, as
// a process dying mid-delivery does: no ack, no retry copy, the broker requeues the delivery.
let proxy: TcpProxy;

class TestEventData {
  @IsString()
  note!: string;
}

@Injectable()
class CrashingHandlers {
  crashCalls = 0;

  constructor(private readonly sql: SqlClient) {}

  @OnEvent('crash.*')
  async onCrash(): Promise<void> {
    this.crashCalls += 1;
    proxy.reset();
    throw new Error('the consumer died mid-delivery');
  }

  @OnEvent('fine.*')
  async onFine(event: EventEnvelope): Promise<void> {
    await this.sql.rows('INSERT INTO handled (event_id) VALUES ($1)', [event.id]);
  }
}

function envelope(type: EventEnvelope['type']): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'test',
    data: { note: type },
  };
}

describe('event consumer queue and its delivery limit (real RabbitMQ and Postgres)', () => {
  let database: TestDatabase;
  let namespace: string;
  let observer: EventObserver;
  let app: EventsTestApp;
  const queue = () => `${namespace}.${SERVICE}`;
  const queueArguments = (overrides: Record<string, unknown> = {}) => ({
    'x-queue-type': 'quorum',
    'x-delivery-limit': DELIVERY_LIMIT,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': `${queue()}.dlq`,
    ...overrides,
  });

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    await database.query('CREATE TABLE handled (event_id uuid NOT NULL)');
    namespace = uniqueTestId('delivery_limit');
    observer = await EventObserver.connect(`${namespace}.events`);
    proxy = await new TcpProxy('127.0.0.1', Number(new URL(TEST_SERVERS.rabbitmqUrl).port || 5672)).start();
    app = await EventsTestApp.start({
      serviceName: SERVICE,
      databaseUrl: database.url,
      messagingNamespace: namespace,
      providers: [CrashingHandlers],
      eventPayloads: { 'crash.now': { 1: TestEventData }, 'fine.again': { 1: TestEventData } },
      env: {
        RABBITMQ_URL: proxy.wrap(TEST_SERVERS.rabbitmqUrl),
        EVENTS_CONSUMER_DELIVERY_LIMIT: String(DELIVERY_LIMIT),
        EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      },
    });
    await waitFor(async () => (await observer.consumerCount(queue())) > 0, {
      description: `a consumer on ${queue()} (its bindings made)`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await observer?.cleanUp(consumerQueueNames(namespace, SERVICE, RETRY_DELAYS_MS));
    await database?.drop();
  });

  it('declares a quorum queue with EVENTS_CONSUMER_DELIVERY_LIMIT, dead-lettering to <queue>.dlq', async () => {
    expect(await observer.redeclareRefusal(queue(), queueArguments())).toBeNull();
    expect(
      await observer.redeclareRefusal(queue(), queueArguments({ 'x-delivery-limit': DELIVERY_LIMIT + 1 })),
    ).toMatch(/PRECONDITION.FAILED.*inequivalent arg 'x-delivery-limit'/);
    expect(await observer.redeclareRefusal(queue(), queueArguments({ 'x-queue-type': 'classic' }))).toMatch(
      /PRECONDITION.FAILED.*inequivalent arg 'x-queue-type'/,
    );
  });

  it('dead-letters a message whose handling keeps killing the connection, after the delivery limit', async () => {
    const handlers = app.app.get(CrashingHandlers);
    const crash = envelope('crash.now');
    await observer.publishRaw(crash.type, Buffer.from(JSON.stringify(crash)));

    const dead = await waitFor(
      async () => {
        const messages = await observer.drain(`${queue()}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { timeoutMs: 30000, description: 'the crashing event in the dead-letter queue' },
    );
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].content)).toMatchObject({ id: crash.id });
    // The broker dead-lettered it (not our consumer, which never got to decide).
    const [death] = dead[0].headers['x-death'] as Array<{ reason: string; queue: string }>;
    expect(death).toMatchObject({ reason: 'delivery_limit', queue: queue() });
    // The first delivery and DELIVERY_LIMIT redeliveries, then no more.
    expect(handlers.crashCalls).toBe(DELIVERY_LIMIT + 1);

    // The consumer is back and handles the next event; the crashing one is not delivered again.
    const fine = envelope('fine.again');
    await observer.publishRaw(fine.type, Buffer.from(JSON.stringify(fine)));
    await waitFor(
      async () => (await database.query('SELECT 1 FROM handled WHERE event_id = $1', [fine.id])).length === 1,
      { timeoutMs: 15000, description: 'the next event to be handled' },
    );
    expect(handlers.crashCalls).toBe(DELIVERY_LIMIT + 1);
    expect(await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [crash.id])).toEqual([]);
  });
});
