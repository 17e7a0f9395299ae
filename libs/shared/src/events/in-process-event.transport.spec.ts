import type { DeliveryHandler, PublishOutcome } from './event-transport';
import { InProcessEventBus } from './in-process-event.bus';
import { InProcessEventTransport } from './in-process-event.transport';
import {
  ACK,
  deferred,
  isPending,
  message,
  topology,
  typeOf,
  uniqueExchange,
} from '../testing/in-process-bus.fixtures';

describe('InProcessEventTransport', () => {
  it('refuses to start as one of several instances', () => {
    expect(() => new InProcessEventTransport(uniqueExchange(), 'PM2 cluster mode', 30)).toThrow(
      /EVENTS_TRANSPORT=memory/,
    );
  });

  it('is always available and shares the bus of its exchange', async () => {
    const exchange = uniqueExchange();
    const transport = new InProcessEventTransport(exchange, null, 30);
    expect(transport.isAvailable()).toBe(true);
    const handled: string[] = [];
    transport.subscribe(topology('q', ['device.*']), 1, async (content) => {
      handled.push(typeOf(content));
      return ACK;
    });

    await expect(InProcessEventBus.forExchange(exchange).publish(message('device.allocated'))).resolves.toBe(
      'confirmed',
    );
    expect(handled).toEqual(['device.allocated']);
    await expect(transport.close()).resolves.toBeUndefined();
  });

  it('answers one outcome per message in order, unknown for a handler busy past the confirm timeout', async () => {
    const transport = new InProcessEventTransport(uniqueExchange(), null, 30);
    const release = deferred();
    transport.subscribe(topology('q', ['device.*']), 5, async (content) => {
      if (typeOf(content) === 'device.stuck') await release.promise;
      return ACK;
    });

    try {
      const outcomes: PublishOutcome[] = await transport.publishAll([
        message('device.allocated'),
        message('device.stuck'),
        message('billing.charged'),
        message('device.released'),
      ]);
      expect(outcomes).toEqual(['confirmed', 'unknown', 'unroutable', 'confirmed']);
    } finally {
      release.resolve();
    }
  });

  it('does not queue a message sent again after an unknown outcome twice', async () => {
    const transport = new InProcessEventTransport(uniqueExchange(), null, 30);
    const release = deferred();
    const handler = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => {
      await release.promise;
      return ACK;
    });
    transport.subscribe(topology('q', ['device.*']), 5, handler);
    const sent = message('device.allocated');

    try {
      await expect(transport.publishAll([sent])).resolves.toEqual(['unknown']);
      const again = transport.publishAll([sent]);
      release.resolve();
      await expect(again).resolves.toEqual(['confirmed']);
      expect(handler).toHaveBeenCalledTimes(1);
    } finally {
      release.resolve();
    }
  });

  it('answers unknown at once for waiting and later publishes once the process stops routing', async () => {
    const exchange = uniqueExchange();
    const transport = new InProcessEventTransport(exchange, null, 10_000);
    const release = deferred();
    transport.subscribe(topology('q', ['device.*']), 1, async () => {
      await release.promise;
      return ACK;
    });
    const waiting = transport.publishAll([message('device.allocated')]);
    expect(await isPending(waiting)).toBe(true);

    InProcessEventBus.forExchange(exchange).stopRouting();
    await expect(waiting).resolves.toEqual(['unknown']);
    await expect(transport.publishAll([message('device.released')])).resolves.toEqual(['unknown']);
    release.resolve();
  });
});
