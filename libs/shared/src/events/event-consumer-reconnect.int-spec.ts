import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@cloudphone/contracts';
import { IsInt } from 'class-validator';
import {
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

const SERVICE = 'reconnect-test';

class TickHappened {
  @IsInt()
  seq!: number;
}

@Injectable()
class CountingHandler {
  constructor(private readonly sql: SqlClient) {}

  @OnEvent('tick.#')
  async onTick(event: EventEnvelope<TickHappened>): Promise<void> {
    await this.sql.rows('INSERT INTO ticks (event_id) VALUES ($1)', [event.id]);
  }
}

function envelope(seq: number): EventEnvelope<TickHappened> {
  return {
    id: randomUUID(),
    type: 'tick.happened',
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'test',
    data: { seq },
  };
}

describe('event consumer across RabbitMQ outages (real Postgres and RabbitMQ)', () => {
  let database: TestDatabase;
  let namespace: string;
  let observer: EventObserver;
  let proxy: TcpProxy;
  let app: EventsTestApp;
  const queue = () => `${namespace}.${SERVICE}`;

  const handled = async (ids: string[]) =>
    (
      await database.query<{ event_id: string; n: string }>(
        'SELECT event_id, count(*) AS n FROM ticks WHERE event_id = ANY($1) GROUP BY event_id',
        [ids],
      )
    ).map((row) => ({ id: row.event_id, times: Number(row.n) }));

  const publishAll = async (count: number) => {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const event = envelope(index);
      ids.push(event.id);
      await observer.publishRaw(event.type, Buffer.from(JSON.stringify(event)));
    }
    return ids;
  };

  beforeAll(async () => {
    database = await createTestDatabase('notification-service');
    // No unique constraint on purpose: a double handling would show up as two rows.
    await database.query('CREATE TABLE ticks (event_id uuid NOT NULL)');
    namespace = uniqueTestId('reconnect');
    observer = await EventObserver.connect(`${namespace}.events`);
    proxy = await new TcpProxy('127.0.0.1', Number(new URL(TEST_SERVERS.rabbitmqUrl).port || 5672)).start();
    app = await EventsTestApp.start({
      serviceName: SERVICE,
      databaseUrl: database.url,
      messagingNamespace: namespace,
      providers: [CountingHandler],
      eventPayloads: { 'tick.happened': { 1: TickHappened } },
      env: { RABBITMQ_URL: proxy.wrap(TEST_SERVERS.rabbitmqUrl), EVENTS_CONSUMER_PREFETCH: '5' },
    });
    await waitFor(async () => (await observer.consumerCount(queue())) > 0, {
      description: `a consumer on ${queue()} (its bindings made)`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await observer?.cleanUp([
      queue(),
      `${queue()}.dlq`,
      ...[1000, 5000, 30000, 120000].map((ms) => `${queue()}.retry.${ms}ms`),
    ]);
    await database?.drop();
  });

  it('keeps events in the durable queue while the consumer is cut off and handles each once after reconnect', async () => {
    proxy.cut();
    const ids = await publishAll(50);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await handled(ids)).toHaveLength(0);
    proxy.restore();
    // Generous: after the cut the connection and the consumer set-up back off (up to 5 s and 30 s),
    // and on a loaded 2-core machine the catch-up is slow; what is asserted is "each once", not speed.
    await waitFor(async () => (await handled(ids)).length === 50, {
      timeoutMs: 45000,
      description: 'the 50 events after reconnect',
    });
    expect((await handled(ids)).every(({ times }) => times === 1)).toBe(true);
  });

  it('handles every event exactly once when the connection drops mid-stream', async () => {
    const ids = await publishAll(500);
    await waitFor(async () => (await handled(ids)).length >= 20, { description: 'handling to start' });
    proxy.cut();
    // The cut must land mid-stream for this test to mean anything.
    expect((await handled(ids)).length).toBeLessThan(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.restore();
    await waitFor(async () => (await handled(ids)).length === 500, {
      timeoutMs: 30000,
      description: 'all 500 events',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await handled(ids)).filter(({ times }) => times !== 1)).toEqual([]);
  });
});
