import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { TEST_SERVERS, uniqueTestId, waitFor } from '../testing';
import { RabbitMqConnectionManager } from '../messaging/rabbitmq-connection.manager';
import { RabbitMqDeadLetters } from './rabbitmq-dead-letters';

// Listing and replaying a dead-letter queue on the real RabbitMQ, with quorum queues as the
// consumer declares them.
describe('RabbitMqDeadLetters (real RabbitMQ)', () => {
  const queue = uniqueTestId('dlq-test').replace(/[^\w.-]/g, '');
  const queues = { queue, deadLetterQueue: `${queue}.dlq` };
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  let raw: ChannelModel;
  let manager: RabbitMqConnectionManager;

  beforeAll(async () => {
    raw = await connect(TEST_SERVERS.rabbitmqUrl);
    const channel = await raw.createConfirmChannel();
    for (const name of [queues.queue, queues.deadLetterQueue]) {
      await channel.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    }
    ids.forEach((messageId, index) =>
      channel.sendToQueue(queues.deadLetterQueue, Buffer.from(JSON.stringify({ index })), {
        messageId,
        type: `test.event_${index}`,
        persistent: true,
        headers: {
          'x-attempt': 5,
          'x-last-error': `handler failed ${index}`,
          'x-dead-letter-reason': 'handler_failed',
          'x-failed-at': '2026-12-05T10:00:00.000Z',
        },
      }),
    );
    await channel.waitForConfirms();
    await channel.close();
    manager = new RabbitMqConnectionManager({ urls: [TEST_SERVERS.rabbitmqUrl], connectionName: 'dlq-test' });
    manager.start();
    await waitFor(() => manager.isConnected(), { description: 'RabbitMQ' });
  });

  afterAll(async () => {
    await manager?.close();
    const channel = await raw.createChannel();
    for (const name of [queues.queue, queues.deadLetterQueue]) await channel.deleteQueue(name);
    await raw.close();
  });

  it('lists the first letters with their reason, and paging moves them to the back without losing any', async () => {
    const deadLetters = new RabbitMqDeadLetters(manager);
    const first = await deadLetters.peek(queues, 2);
    expect(first.total).toBe(3);
    expect(first.letters).toEqual([
      {
        messageId: ids[0],
        type: 'test.event_0',
        reason: 'handler_failed',
        attempts: 5,
        lastError: 'handler failed 0',
        failedAt: '2026-12-05T10:00:00.000Z',
      },
      expect.objectContaining({ messageId: ids[1] }),
    ]);
    const next = await deadLetters.peek(queues, 3);
    expect(next.total).toBe(3);
    expect(next.letters.map((letter) => letter.messageId)).toEqual([ids[2], ids[0], ids[1]]);
    // Twenty-five listings (beyond a RabbitMQ 4 quorum queue's default delivery limit of 20) lose nothing.
    for (let listing = 0; listing < 25; listing++) await deadLetters.peek(queues, 3);
    expect((await deadLetters.peek(queues, 1)).total).toBe(3);
  });

  it('replays the chosen letter to the service queue as a first attempt, and keeps the others', async () => {
    const deadLetters = new RabbitMqDeadLetters(manager);
    const replay = await deadLetters.replay(queues, { limit: 10, messageIds: [ids[1]] });
    expect(replay).toEqual({ queue: queues.deadLetterQueue, replayed: [ids[1]], remaining: 2 });
    const channel = await raw.createChannel();
    const message = await channel.get(queues.queue, { noAck: true });
    expect(message && message.properties.messageId).toBe(ids[1]);
    expect(message && message.properties.headers?.['x-attempt']).toBe(1);
    expect(JSON.parse(String(message && message.content))).toEqual({ index: 1 });
    await channel.close();
    const rest = await deadLetters.peek(queues, 10);
    expect(rest.letters.map((letter) => letter.messageId).sort()).toEqual([ids[0], ids[2]].sort());

    const all = await deadLetters.replay(queues, { limit: 10 });
    expect(all.replayed.sort()).toEqual([ids[0], ids[2]].sort());
    expect(all.remaining).toBe(0);
  });

  it('reports an empty queue for a service that never declared one', async () => {
    const deadLetters = new RabbitMqDeadLetters(manager);
    const missing = { queue: `${queue}-none`, deadLetterQueue: `${queue}-none.dlq` };
    expect(await deadLetters.peek(missing, 10)).toEqual({
      queue: missing.deadLetterQueue,
      total: 0,
      letters: [],
    });
    expect(await deadLetters.replay(missing, { limit: 10 })).toEqual({
      queue: missing.deadLetterQueue,
      replayed: [],
      remaining: 0,
    });
  });
});
