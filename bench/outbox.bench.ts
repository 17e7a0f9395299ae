// Outbox relay throughput: events/s from commit to confirmed publish with RabbitMQ on loopback,
// side by side with a naive peer that publishes each event directly and waits for its confirm
// (no outbox, no database). Run with `npm run bench:outbox`; touches only 127.0.0.1 and cleans up.
import 'reflect-metadata';
import { connect } from 'amqplib';
import { IsInt, IsString } from 'class-validator';
import { createTestDatabase, EventsTestApp, TEST_SERVERS, uniqueTestId } from '@cloudphone/shared/testing';

const EVENTS = 20000;
const AGGREGATES = 2000;
const EVENTS_PER_TRANSACTION = 10;
const WRITERS = 4;
const NAIVE_EVENTS = 5000;

/** The bench's event payload: the publisher validates it, as it does every domain event's. */
class BenchHappened {
  @IsString()
  round!: string;

  @IsInt()
  index!: number;

  @IsInt()
  seq!: number;

  @IsString()
  padding!: string;
}

function rate(events: number, ms: number): number {
  return Math.round((events * 1000) / ms);
}

/** Writes EVENTS events, EVENTS_PER_TRANSACTION per transaction, from WRITERS concurrent writers. */
async function writeEvents(app: EventsTestApp, round: string): Promise<void> {
  const transactions = EVENTS / EVENTS_PER_TRANSACTION;
  let next = 0;
  const writer = async () => {
    for (let index = next++; index < transactions; index = next++) {
      const aggregateId = `${round}-${index % AGGREGATES}`;
      await app.transactions.run(() =>
        app.publisher.publish(
          Array.from({ length: EVENTS_PER_TRANSACTION }, (_, seq) => ({
            type: 'bench.happened' as const,
            aggregateId,
            data: { round, index, seq, padding: 'x'.repeat(200) },
          })),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

async function waitForPublished(app: EventsTestApp, total: number): Promise<void> {
  while ((await app.counter('cloudphone_events_published_total')) < total) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function main(): Promise<void> {
  const database = await createTestDatabase('notification-service');
  const namespace = uniqueTestId('bench_outbox');
  const exchange = `${namespace}.events`;
  const queue = `${namespace}.sink`;
  const connection = await connect(TEST_SERVERS.rabbitmqUrl);
  const admin = await connection.createChannel();
  await admin.assertExchange(exchange, 'topic', { durable: true });
  // The same kind of queue a consumer declares, so both peers pay for the same broker work.
  await admin.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await admin.bindQueue(queue, exchange, 'bench.#');
  const app = await EventsTestApp.start({
    serviceName: 'outbox-bench',
    databaseUrl: database.url,
    messagingNamespace: namespace,
    eventPayloads: { 'bench.happened': { 1: BenchHappened } },
    env: { DATABASE_POOL_SIZE: '8' },
  });
  try {
    while (!app.rabbitmq.isConnected()) await new Promise((resolve) => setTimeout(resolve, 20));

    // 1. Live: writers commit while the relay (woken by each commit) publishes.
    let started = performance.now();
    await writeEvents(app, 'live');
    const writtenMs = performance.now() - started;
    await waitForPublished(app, EVENTS);
    const liveMs = performance.now() - started;

    // 2. Backlog: the relay is stopped while the rows are written, then drains them.
    await app.relay.stop();
    await writeEvents(app, 'backlog');
    started = performance.now();
    app.relay.start();
    await waitForPublished(app, 2 * EVENTS);
    const drainMs = performance.now() - started;

    // 3. Naive peer: publish each event straight to RabbitMQ and wait for its confirm.
    const confirm = await connection.createConfirmChannel();
    started = performance.now();
    for (let index = 0; index < NAIVE_EVENTS; index += 1) {
      const body = Buffer.from(JSON.stringify({ index, padding: 'x'.repeat(200) }));
      await new Promise<void>((resolve, reject) =>
        confirm.publish(exchange, 'bench.happened', body, { persistent: true, mandatory: true }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    }
    const naiveMs = performance.now() - started;
    await confirm.close();

    const live = rate(EVENTS, liveMs);
    const drain = rate(EVENTS, drainMs);
    const naive = rate(NAIVE_EVENTS, naiveMs);
    console.log(
      `events: ${EVENTS} over ${AGGREGATES} aggregates, ${EVENTS_PER_TRANSACTION} per transaction, ${WRITERS} writers; quorum queue on loopback`,
    );
    console.log(
      `outbox live   (commit -> confirmed, writers and relay together): ${live} events/s (${Math.round(liveMs)} ms; writes alone took ${Math.round(writtenMs)} ms)`,
    );
    console.log(
      `outbox drain  (backlog of ${EVENTS} committed rows -> confirmed, marked sent): ${drain} events/s (${Math.round(drainMs)} ms)`,
    );
    console.log(
      `naive direct publish, one confirm awaited per event (no outbox): ${naive} events/s (${NAIVE_EVENTS} events, ${Math.round(naiveMs)} ms)`,
    );
    console.log(
      `ratio outbox-live/naive ${(live / naive).toFixed(2)}  ratio outbox-drain/naive ${(drain / naive).toFixed(2)}  (target: outbox >= 5000 events/s)`,
    );
  } finally {
    await app.close();
    await admin.deleteQueue(queue).catch(() => undefined);
    await admin.deleteExchange(exchange).catch(() => undefined);
    await connection.close().catch(() => undefined);
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
