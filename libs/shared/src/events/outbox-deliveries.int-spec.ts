import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createTestDatabase, EventsTestApp, type TestDatabase, uniqueTestId, waitFor } from '../testing';
import { AppError } from '../errors/app-error';
import { OutboxAdminService } from './outbox-admin.service';
import { OutboxDeliveries } from './outbox-deliveries.service';
import type { DeliveryVerdict, OutboxDestination, OutboxMessage } from './outbox-message';
import { outboxMessageId } from './outbox-message';

const DESTINATION = 'ledger-service';

type Behaviour = 'deliver' | 'defer' | 'reject';

/** A destination that answers as the test says, and records every message it was handed. */
@Injectable()
class ScriptedDestination implements OutboxDestination, OnModuleInit {
  readonly name = DESTINATION;
  behaviour: Behaviour = 'deliver';
  readonly received: OutboxMessage[] = [];
  /** The messages of each call, in call order. */
  readonly calls: OutboxMessage[][] = [];

  constructor(private readonly deliveries: OutboxDeliveries) {}

  onModuleInit(): void {
    this.deliveries.register(this);
  }

  async deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    this.received.push(...messages);
    this.calls.push(messages);
    // A little latency, so two relays polling together really overlap.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return messages.map((): DeliveryVerdict => {
      if (this.behaviour === 'deliver') return { result: 'delivered' };
      if (this.behaviour === 'reject')
        return { result: 'rejected', error: '422 VALIDATION_FAILED: scripted' };
      return { result: 'deferred', error: 'connect ECONNREFUSED (scripted)' };
    });
  }
}

describe('outbox deliveries to an HTTP-style destination (real Postgres)', () => {
  let database: TestDatabase;
  let first: EventsTestApp;
  let second: EventsTestApp;
  const destination = (app: EventsTestApp) => app.app.get(ScriptedDestination);
  const deliveries = (app: EventsTestApp) => app.app.get(OutboxDeliveries);

  const start = () =>
    EventsTestApp.start({
      serviceName: 'deliveries-test',
      databaseUrl: database.url,
      messagingNamespace: uniqueTestId('deliveries'),
      providers: [ScriptedDestination],
      env: {
        EVENTS_RELAY_POLL_INTERVAL_MS: '50',
        EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '100',
        EVENTS_RELAY_RETRY_MAX_DELAY_MS: '200',
      },
    });

  const message = (key: string) => ({
    id: outboxMessageId(key, 'usage'),
    destination: DESTINATION,
    type: 'report.usage',
    key,
    data: { key, amount: 1 },
  });

  const row = async (key: string) =>
    (
      await database.query<{ attempts: number; sent: boolean; rejected: boolean; last_error: string | null }>(
        `SELECT attempts, sent_at IS NOT NULL AS sent, rejected_at IS NOT NULL AS rejected, last_error
         FROM outbox WHERE aggregate_key = $1`,
        [key],
      )
    )[0];

  beforeAll(async () => {
    database = await createTestDatabase('device-service');
    first = await start();
    second = await start();
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('stores a message once per id, in the transaction, not due before its writer has tried', async () => {
    const key = randomUUID();
    const stored = await first.transactions.run(() => deliveries(first).store([message(key), message(key)]));
    expect(stored).toHaveLength(1);
    const again = await first.transactions.run(() => deliveries(first).store([message(key)]));
    expect(again).toEqual([]);
    // Rolled back with its transaction: nothing stored.
    const lost = randomUUID();
    await expect(
      first.transactions.run(async () => {
        await deliveries(first).store([message(lost)]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await row(lost)).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 300));
    // Leased for the writer: no relay sent it meanwhile.
    expect([...destination(first).received, ...destination(second).received].map((m) => m.key)).not.toContain(
      key,
    );
    expect(await deliveries(first).deliver(stored)).toEqual({ delivered: 1, deferred: 0, rejected: 0 });
    expect(await row(key)).toMatchObject({ attempts: 1, sent: true, rejected: false });
  });

  it('writes the events announcing a change in the same statement as its messages', async () => {
    const key = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: 'report.stored',
      version: 1,
      aggregateKey: `report:${key}`,
      data: { key },
    };
    // No transaction around it: one statement, so both rows commit together or not at all.
    expect(await deliveries(first).store([message(key)], [event])).toHaveLength(1);
    // Settled first, so no relay keeps it pending for the later tests if an assertion fails.
    await database.query('UPDATE outbox SET sent_at = now() WHERE event_id = $1', [event.eventId]);
    const rows = await database.query<{ destination: string; occurred: string; data: unknown }>(
      `SELECT destination, occurred_at::text AS occurred, data FROM outbox WHERE aggregate_key = ANY($1::text[])
       ORDER BY destination`,
      [[key, event.aggregateKey]],
    );
    expect(rows.map(({ destination, data }) => ({ destination, data }))).toEqual([
      { destination: 'events', data: { key } },
      { destination: DESTINATION, data: { key, amount: 1 } },
    ]);
    // occurred_at defaults to now(), the transaction's start: equal to the microsecond only when both
    // rows were inserted by one transaction. (Not xmin: a relay polling every 50 ms may already have
    // claimed the event row, and an update gives it a new xmin.)
    expect(rows[0].occurred).toBe(rows[1].occurred);
  });

  it('batches background deliveries per destination: what arrives during a request rides in the next', async () => {
    const keys: string[] = Array.from({ length: 21 }, () => randomUUID());
    const stored = await first.transactions.run(() => deliveries(first).store(keys.map(message)));
    // One message alone leaves (one event-loop turn later); the twenty queued while it is in flight
    // go in one request.
    deliveries(first).deliverInBackground([stored[0]]);
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    for (const single of stored.slice(1)) deliveries(first).deliverInBackground([single]);
    await waitFor(async () => (await Promise.all(keys.map(row))).every((state) => state.sent), {
      description: 'all 21 messages delivered',
    });
    const ours = destination(first).calls.filter((call) => keys.includes(call[0].key));
    expect(ours.map((call) => call.length)).toEqual([1, 20]);
    expect(ours.flat().map((sent) => sent.key)).toEqual(keys);
    expect((await Promise.all(keys.map(row))).map((state) => state.attempts)).toEqual(keys.map(() => 1));

    // Callers who wait share batches too (the two calls of one turn, one request), and each hears
    // about its own messages only.
    const more: string[] = [randomUUID(), randomUUID(), randomUUID()];
    const [alone, pair] = await first.transactions.run(async () => {
      const rows = await deliveries(first).store(more.map(message));
      return [rows.slice(0, 1), rows.slice(1)];
    });
    const summaries = await Promise.all([
      deliveries(first).deliverBatched(alone),
      deliveries(first).deliverBatched(pair),
    ]);
    expect(summaries).toEqual([
      { delivered: 1, deferred: 0, rejected: 0 },
      { delivered: 2, deferred: 0, rejected: 0 },
    ]);
    const batches = destination(first).calls.filter((call) => more.includes(call[0].key));
    expect(batches.map((call) => call.map((sent) => sent.key))).toEqual([more]);

    // One caller's messages to a destination leave together, even when nothing is in flight.
    const burst: string[] = [randomUUID(), randomUUID(), randomUUID()];
    const burstRows = await first.transactions.run(() => deliveries(first).store(burst.map(message)));
    expect(await deliveries(first).deliverBatched(burstRows)).toEqual({
      delivered: 3,
      deferred: 0,
      rejected: 0,
    });
    const burstCalls = destination(first).calls.filter((call) => burst.includes(call[0].key));
    expect(burstCalls.map((call) => call.map((sent) => sent.key))).toEqual([burst]);
  });

  it('refuses what nobody could deliver: an unknown destination, a bad type or id', async () => {
    const store = (override: object) =>
      first.transactions.run(() => deliveries(first).store([{ ...message(randomUUID()), ...override }]));
    await expect(store({ destination: 'constructor' })).rejects.toThrow('Unknown outbox destination');
    await expect(store({ type: 'report' })).rejects.toThrow('Invalid message type');
    await expect(store({ id: 'not-a-uuid\u0000' })).rejects.toThrow('not a uuid');
  });

  it('retries a deferred message with backoff until the destination takes it, then settles it once', async () => {
    for (const app of [first, second]) destination(app).behaviour = 'defer';
    const key = randomUUID();
    const stored = await first.transactions.run(() => deliveries(first).store([message(key)]));
    expect(await deliveries(first).deliver(stored)).toEqual({ delivered: 0, deferred: 1, rejected: 0 });
    await waitFor(async () => (await row(key)).attempts >= 3, {
      description: 'three attempts by the relays',
    });
    expect(await row(key)).toMatchObject({ sent: false, last_error: 'connect ECONNREFUSED (scripted)' });
    expect(await first.counter('cloudphone_outbox_deliveries_total', { result: 'deferred' })).toBeGreaterThan(
      0,
    );

    for (const app of [first, second]) destination(app).behaviour = 'deliver';
    await waitFor(async () => (await row(key)).sent, { description: 'the message delivered' });
  });

  it('settles a refused message as rejected, shows it to the operator, and sends it again on request', async () => {
    for (const app of [first, second]) destination(app).behaviour = 'reject';
    const key = randomUUID();
    const stored = await first.transactions.run(() => deliveries(first).store([message(key)]));
    expect(await deliveries(first).deliver(stored)).toEqual({ delivered: 0, deferred: 0, rejected: 1 });
    expect(await row(key)).toMatchObject({ attempts: 1, sent: false, rejected: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await row(key)).toMatchObject({ attempts: 1 });

    const admin = first.app.get(OutboxAdminService);
    const summary = await admin.summary();
    expect(summary.destinations).toContainEqual(
      expect.objectContaining({ destination: DESTINATION, rejected: 1 }),
    );
    const { items } = await admin.list({ state: 'rejected', destination: DESTINATION });
    expect(items).toEqual([
      expect.objectContaining({
        key,
        lastError: '422 VALIDATION_FAILED: scripted',
        data: { key, amount: 1 },
      }),
    ]);

    for (const app of [first, second]) destination(app).behaviour = 'deliver';
    await admin.retry(items[0].id, 'test');
    await waitFor(async () => (await row(key)).sent, { description: 'the retried message delivered' });
    expect((await admin.list({ state: 'rejected' })).items).toEqual([]);
  });

  it('answers hostile admin queries with stable 4xx codes', async () => {
    const admin = first.app.get(OutboxAdminService);
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: AppError) => `${error.httpStatus} ${error.code}`,
      );
    expect(await code(admin.list({ state: 'constructor' }))).toBe('400 VALIDATION_FAILED');
    expect(await code(admin.list({ state: ['pending'] }))).toBe('400 VALIDATION_FAILED');
    expect(await code(admin.list({ destination: 'x\u0000' }))).toBe('400 VALIDATION_FAILED');
    expect(await code(admin.list({ limit: '100000000000000000000' }))).toBe('400 VALIDATION_FAILED');
    expect(await code(admin.list({ limit: '0' }))).toBe('400 VALIDATION_FAILED');
    expect(await code(admin.retry('99999999999999999999', 'test'))).toBe('404 OUTBOX_ROW_NOT_FOUND');
    expect(await code(admin.retry('9223372036854775808', 'test'))).toBe('404 OUTBOX_ROW_NOT_FOUND');
    expect(await code(admin.retry('__proto__', 'test'))).toBe('404 OUTBOX_ROW_NOT_FOUND');
    expect(await code(admin.retry('9223372036854775807', 'test'))).toBe('404 OUTBOX_ROW_NOT_FOUND');
  });

  it('has two relays deliver 400 due messages, each exactly once', async () => {
    for (const app of [first, second]) destination(app).behaviour = 'deliver';
    const keys: string[] = Array.from({ length: 400 }, () => randomUUID());
    await first.transactions.run(() => deliveries(first).store(keys.map(message)));
    // As if their writer died before sending: due now, for whichever relay claims them first.
    await database.query(`UPDATE outbox SET next_attempt_at = now() WHERE aggregate_key = ANY($1)`, [keys]);
    await waitFor(
      async () =>
        (
          await database.query(`SELECT 1 FROM outbox WHERE aggregate_key = ANY($1) AND sent_at IS NOT NULL`, [
            keys,
          ])
        ).length === keys.length,
      { timeoutMs: 20_000, description: 'all 400 delivered' },
    );
    const handed = [...destination(first).received, ...destination(second).received].filter((m) =>
      keys.includes(m.key),
    );
    expect(handed).toHaveLength(keys.length);
    expect(new Set(handed.map((m) => m.key)).size).toBe(keys.length);
    expect(destination(first).received.length).toBeGreaterThan(0);
    expect(destination(second).received.length).toBeGreaterThan(0);
  });

  it('reports the backlog per destination', async () => {
    for (const app of [first, second]) destination(app).behaviour = 'defer';
    const key = randomUUID();
    await first.transactions.run(() => deliveries(first).store([message(key)]));
    await waitFor(
      async () => {
        const metric = await first.counter('cloudphone_outbox_backlog', { destination: DESTINATION });
        return metric >= 1;
      },
      { description: 'the backlog gauge to count the pending message' },
    );
    expect(await first.counter('cloudphone_outbox_backlog', { destination: 'events' })).toBe(0);
    for (const app of [first, second]) destination(app).behaviour = 'deliver';
  });
});
