import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import { consumerTopology } from './consumer-topology';
import type { EventsConfig } from './events.config';

describe('consumerTopology', () => {
  const config = {
    queuePrefix: 'cp',
    eventsExchange: 'cp.events',
    eventsConsumerRetryDelaysMs: '1000,5000',
    eventsConsumerDeliveryLimit: 5,
  } as EventsConfig;

  it('names the queues after the service and the retry delays', () => {
    const topology = consumerTopology('device-service', config, ['b.x', 'a.y', 'a.y']);
    expect(topology).toMatchObject({
      exchange: 'cp.events',
      queue: 'cp.device-service',
      deadLetterQueue: 'cp.device-service.dlq',
      retryQueues: [
        { name: 'cp.device-service.retry.1000ms', delayMs: 1000 },
        { name: 'cp.device-service.retry.5000ms', delayMs: 5000 },
      ],
      patterns: ['a.y', 'b.x'],
    });
  });

  it('unbinds the announcements no pattern takes, and keeps those a pattern takes', () => {
    expect(consumerTopology('s', config, ['billing.overdue']).staleBindings).toEqual([
      DOMAIN_EVENTS.billingUsageRecorded,
    ]);
    expect(consumerTopology('s', config, ['billing.#']).staleBindings).toEqual([]);
    expect(consumerTopology('s', config, [DOMAIN_EVENTS.billingUsageRecorded]).staleBindings).toEqual([]);
  });
});
