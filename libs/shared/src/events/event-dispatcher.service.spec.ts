import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DeviceAllocatedEventData, type EventEnvelope } from '@cloudphone/contracts';
import type { TransactionRunner } from '../database/transaction-runner';
import { MetricsService } from '../metrics/metrics.service';
import { EventDispatcher } from './event-dispatcher.service';
import type { EventHandlerBinding } from './event-handler.registry';
import { EventPayloadCatalog } from './event-payload-catalog';
import type { EventsConfig } from './events.config';
import { EventsMetrics } from './events.metrics';
import type { InboxRepository } from './inbox.repository';
import { UnprocessableEventError } from './unprocessable-event.error';

const allocated = {
  allocationId: randomUUID(),
  deviceId: randomUUID(),
  userId: randomUUID(),
  tenantId: 'default',
  region: 'eu-west-1',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
  startedAt: '2026-03-01T12:00:00.000Z',
  expiresAt: '2026-03-01T13:00:00.000Z',
  fencingToken: '17',
};

function delivery(overrides: Partial<EventEnvelope> = {}): Buffer {
  const envelope: EventEnvelope = {
    id: randomUUID(),
    type: 'device.allocated',
    version: 1,
    occurredAt: '2026-03-01T12:00:00.000Z',
    source: 'device-service',
    data: allocated,
    ...overrides,
  };
  return Buffer.from(JSON.stringify(envelope));
}

describe('EventDispatcher', () => {
  let received: EventEnvelope[];
  let handle: (event: EventEnvelope) => Promise<void>;
  let transactions: { run: jest.Mock };
  let inbox: { record: jest.Mock };
  let metricsService: MetricsService;
  let dispatcher: EventDispatcher;

  const counter = async (name: string, labels: Record<string, string>) => {
    const metric = metricsService.registry.getSingleMetric(name);
    const { values } = await (metric as NonNullable<typeof metric>).get();
    return values
      .filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))
      .reduce((sum, value) => sum + value.value, 0);
  };
  const nothingWritten = () => {
    expect(transactions.run).not.toHaveBeenCalled();
    expect(inbox.record).not.toHaveBeenCalled();
    expect(received).toEqual([]);
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    received = [];
    handle = async (event) => {
      received.push(event);
    };
    transactions = { run: jest.fn((work: () => Promise<unknown>) => work()) };
    inbox = { record: jest.fn(async () => true) };
    metricsService = new MetricsService('dispatcher-unit');
    dispatcher = new EventDispatcher(
      transactions as unknown as TransactionRunner,
      inbox as unknown as InboxRepository,
      new EventsMetrics(metricsService),
      new EventPayloadCatalog(),
      { eventsConsumerRetryDelaysMs: '1000' } as EventsConfig,
    );
    const binding: EventHandlerBinding = {
      name: 'TestHandler.onDevice',
      patterns: ['device.*'],
      invoke: (event) => handle(event),
    };
    dispatcher.use([binding]);
  });

  it('hands the handler the payload as an instance of its class, extra fields kept', async () => {
    expect(await dispatcher.dispatch(delivery({ data: { ...allocated, note: 'new' } }), 1)).toEqual({
      action: 'ack',
    });
    expect(received).toHaveLength(1);
    expect(received[0].data).toBeInstanceOf(DeviceAllocatedEventData);
    expect(received[0].data).toEqual({ ...allocated, note: 'new' });
    expect(inbox.record).toHaveBeenCalledTimes(1);
  });

  it('dead-letters an invalid payload at once, naming each bad field, and writes nothing', async () => {
    const decision = await dispatcher.dispatch(
      delivery({ data: { ...allocated, cpuCores: '4', startedAt: 'yesterday' } }),
      1,
    );
    expect(decision).toEqual({
      action: 'dead-letter',
      reason: 'invalid_payload',
      attempts: 1,
      error: expect.stringMatching(/^device\.allocated v1: cpuCores: .*integer.*; startedAt: .*date-time/),
    });
    nothingWritten();
    expect(await counter('cloudphone_events_dead_lettered_total', { reason: 'invalid_payload' })).toBe(1);
    expect(
      await counter('cloudphone_events_consumed_total', {
        type: 'device.allocated',
        outcome: 'dead_lettered',
      }),
    ).toBe(1);
    expect(await counter('cloudphone_events_retries_total', {})).toBe(0);
  });

  it.each([
    [
      'a version the catalog does not know',
      { version: 2 },
      'device.allocated v2: unknown version (known: v1)',
    ],
    [
      'a type the catalog does not know',
      { type: 'device.rebooted' as const },
      'device.rebooted v1: no payload',
    ],
    ['data that is not an object', { data: 'hello' }, 'device.allocated v1: data: must be an object'],
  ])('dead-letters %s as invalid_payload', async (_case, overrides, error) => {
    expect(await dispatcher.dispatch(delivery(overrides), 1)).toMatchObject({
      action: 'dead-letter',
      reason: 'invalid_payload',
      error: expect.stringContaining(error),
    });
    nothingWritten();
  });

  it.each(['soon', '2026-03-01', '2026-03-01T12:00:00'])(
    'refuses an envelope whose occurredAt is %s',
    async (occurredAt) => {
      expect(await dispatcher.dispatch(delivery({ occurredAt }), 1)).toMatchObject({
        action: 'dead-letter',
        reason: 'invalid_envelope',
      });
      nothingWritten();
    },
  );

  it('acknowledges an event no handler matches without looking at its payload', async () => {
    expect(await dispatcher.dispatch(delivery({ type: 'user.deleted', data: 'anything' }), 1)).toEqual({
      action: 'ack',
    });
    nothingWritten();
  });

  it('still dead-letters what a handler calls unprocessable, and retries a failing handler', async () => {
    handle = async () => {
      throw new UnprocessableEventError('allocation belongs to another tenant');
    };
    expect(await dispatcher.dispatch(delivery(), 1)).toEqual({
      action: 'dead-letter',
      reason: 'unprocessable',
      attempts: 1,
      error: 'TestHandler.onDevice: allocation belongs to another tenant',
    });
    handle = async () => {
      throw new Error('database is down');
    };
    expect(await dispatcher.dispatch(delivery(), 1)).toMatchObject({ action: 'retry', nextAttempt: 2 });
    expect(await dispatcher.dispatch(delivery(), 2)).toMatchObject({
      action: 'dead-letter',
      reason: 'handler_failed',
      attempts: 2,
    });
  });
});
