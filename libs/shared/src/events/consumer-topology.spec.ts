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

  it('unbinds every event type no pattern takes, and keeps those a pattern takes', () => {
    const all = Object.values(DOMAIN_EVENTS);
    const billing = all.filter((type) => type.startsWith('billing.'));
    expect(consumerTopology('s', config, ['billing.overdue']).staleBindings).toEqual(
      all.filter((type) => type !== DOMAIN_EVENTS.billingOverdue),
    );
    expect(consumerTopology('s', config, ['billing.#']).staleBindings).toEqual(
      all.filter((type) => !billing.includes(type)),
    );
    // No handler left (billing-service since it reads running allocations from device-service).
    expect(consumerTopology('s', config, []).staleBindings).toEqual(all);
    expect(consumerTopology('s', config, ['#']).staleBindings).toEqual([]);
  });
});
