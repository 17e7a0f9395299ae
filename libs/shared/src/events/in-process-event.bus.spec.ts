import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { DeliveryHandler } from './event-transport';
import { InProcessEventBus } from './in-process-event.bus';
import {
  ACK,
  type Deferred,
  deferred,
  isPending,
  message,
  topology,
  typeOf,
  uniqueExchange,
  waitFor,
} from '../testing/in-process-bus.fixtures';

/** A consumer queue `name` on `device.*` that acks everything; the mock records its calls. */
function ackingQueue(bus: InProcessEventBus, name: string): jest.Mock {
  const handler = jest.fn(async () => ACK);
  bus.subscribe(topology(name, ['device.*']), 1, handler);
  return handler;
}

describe('InProcessEventBus', () => {
  let gates: Deferred<void>[];

  /** A gate the test opens later; every gate is opened after each test so no handler dangles. */
  function gate(): Deferred<void> {
    const created = deferred();
    gates.push(created);
    return created;
  }

  beforeEach(() => {
    gates = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    for (const opened of gates) opened.resolve();
    jest.restoreAllMocks();
  });

  it('answers unroutable when no queue is bound to the type', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    await expect(bus.publish(message('device.allocated'))).resolves.toBe('unroutable');
  });

  it('is one bus per exchange name', () => {
    const exchange = uniqueExchange();
    expect(InProcessEventBus.forExchange(exchange)).toBe(InProcessEventBus.forExchange(exchange));
    expect(InProcessEventBus.forExchange(exchange)).not.toBe(InProcessEventBus.forExchange(uniqueExchange()));
  });

  it('routes by topic pattern: * matches one word, # any number', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const devices: string[] = [];
    const everything: string[] = [];
    bus.subscribe(topology('q.devices', ['device.*']), 10, async (content) => {
      devices.push(typeOf(content));
      return ACK;
    });

    await expect(bus.publish(message('device.allocated'))).resolves.toBe('confirmed');
    await expect(bus.publish(message('billing.charged'))).resolves.toBe('unroutable');
    await expect(bus.publish(message('device.allocated.again'))).resolves.toBe('unroutable');

    bus.subscribe(topology('q.all', ['#']), 10, async (content) => {
      everything.push(typeOf(content));
      return ACK;
    });
    await expect(bus.publish(message('billing.charged'))).resolves.toBe('confirmed');
    await expect(bus.publish(message('device.allocated.again'))).resolves.toBe('confirmed');

    expect(devices).toEqual(['device.allocated']);
    expect(everything).toEqual(['billing.charged', 'device.allocated.again']);
  });

  it('confirms a publish only after the handler has acked it', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const release = gate();
    const handler = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => {
      await release.promise;
      return ACK;
    });
    bus.subscribe(topology('q', ['device.*']), 1, handler);

    const published = bus.publish(message('device.allocated'));
    expect(await isPending(published)).toBe(true);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(expect.any(Buffer), 1);

    release.resolve();
    await expect(published).resolves.toBe('confirmed');
  });

  it('delivers a retried message again with the next attempt after the retry delay', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    // Long enough that a loaded CI machine cannot stall the loop past it before the pending check
    // (with 20 ms, a stall let the retry run and confirm first).
    const delayMs = 250;
    const attempts: { attempt: number; at: number }[] = [];
    bus.subscribe(topology('q', ['device.*'], [delayMs, 2 * delayMs]), 1, async (_content, attempt) => {
      attempts.push({ attempt, at: performance.now() });
      return attempt === 1 ? { action: 'retry', retryIndex: 0, nextAttempt: 2, error: 'boom' } : ACK;
    });

    const published = bus.publish(message('device.allocated'));
    expect(await isPending(published)).toBe(true);
    expect(attempts.map(({ attempt }) => attempt)).toEqual([1]);

    await expect(published).resolves.toBe('confirmed');
    expect(attempts.map(({ attempt }) => attempt)).toEqual([1, 2]);
    // Timers may fire a fraction of a millisecond early on the performance clock.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(delayMs - 2);
  });

  it('settles a dead-lettered message and lists it in deadLetters()', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    bus.subscribe(topology('q.dead', ['device.*']), 1, async (_content, attempt) => ({
      action: 'dead-letter',
      reason: 'handler_failed',
      attempts: attempt,
      error: 'no such device',
    }));
    const sent = message('device.allocated');

    await expect(bus.publish(sent)).resolves.toBe('confirmed');
    expect(bus.deadLetters()).toEqual([
      {
        queue: 'q.dead',
        messageId: sent.messageId,
        type: 'device.allocated',
        reason: 'handler_failed',
        attempts: 1,
        error: 'no such device',
        failedAt: expect.any(String),
      },
    ]);
    expect(Number.isNaN(Date.parse(bus.deadLetters()[0].failedAt))).toBe(false);
  });

  it('replays a dead letter to its queue as a first attempt, leaving the others listed', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    let healed = false;
    const handled: Array<[string, number]> = [];
    bus.subscribe(topology('q.replay', ['device.*']), 1, async (content, attempt) => {
      if (!healed)
        return { action: 'dead-letter', reason: 'handler_failed', attempts: attempt, error: 'bug' };
      handled.push([content.toString(), attempt]);
      return ACK;
    });
    const [first, second] = [message('device.allocated'), message('device.released')];
    await bus.publish(first);
    await bus.publish(second);
    expect(bus.deadLetters().map((letter) => letter.messageId)).toEqual([first.messageId, second.messageId]);

    healed = true;
    expect(bus.replayDeadLetters('q.replay', { limit: 10, messageIds: [second.messageId] })).toEqual([
      second.messageId,
    ]);
    await waitFor(() => handled.length === 1);
    expect(handled).toEqual([[second.content.toString(), 1]]);
    expect(bus.deadLetters().map((letter) => letter.messageId)).toEqual([first.messageId]);
    expect(bus.replayDeadLetters('q.unknown', { limit: 10 })).toEqual([]);
  });

  it('retries a handler that throws', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const attempts: number[] = [];
    bus.subscribe(topology('q', ['device.*'], [5]), 1, async (_content, attempt) => {
      attempts.push(attempt);
      if (attempt === 1) throw new Error('database unavailable');
      return ACK;
    });

    await expect(bus.publish(message('device.allocated'))).resolves.toBe('confirmed');
    expect(attempts).toEqual([1, 2]);
    expect(bus.deadLetters()).toEqual([]);
  });

  it('dead-letters a handler that keeps throwing, even synchronously, at the delivery limit', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const attempts: number[] = [];
    bus.subscribe(topology('q', ['device.*'], [1, 2]), 1, ((_content: Buffer, attempt: number) => {
      attempts.push(attempt);
      throw new Error('handler bug');
    }) as unknown as DeliveryHandler);

    await expect(bus.publish(message('device.allocated'))).resolves.toBe('confirmed');
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(bus.deadLetters()).toEqual([
      expect.objectContaining({ reason: 'handler_failed', attempts: 5, error: 'handler bug' }),
    ]);
  });

  it('holds publishes until open(), so a queue declared meanwhile still gets them', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    bus.hold();
    const early = ackingQueue(bus, 'first');
    const published = bus.publish(message('device.allocated'));
    const late = ackingQueue(bus, 'second');
    expect(await isPending(published)).toBe(true);
    bus.open();
    await expect(published).resolves.toBe('confirmed');
    expect(early).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('handles a message published again while still unsettled only once', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const release = gate();
    const handler = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => {
      await release.promise;
      return ACK;
    });
    bus.subscribe(topology('q', ['device.*']), 5, handler);
    const sent = message('device.allocated');

    const first = bus.publish(sent);
    const again = bus.publish({ ...sent });
    expect(await isPending(first)).toBe(true);
    expect(await isPending(again)).toBe(true);

    release.resolve();
    await expect(Promise.all([first, again])).resolves.toEqual(['confirmed', 'confirmed']);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('runs at most prefetch handlers at once', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const calls: Deferred<void>[] = [];
    let active = 0;
    let maxActive = 0;
    bus.subscribe(topology('q', ['device.*']), 2, async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      const release = gate();
      calls.push(release);
      await release.promise;
      active -= 1;
      return ACK;
    });

    const published = Array.from({ length: 5 }, () => bus.publish(message('device.allocated')));
    expect(await isPending(Promise.race(published))).toBe(true);
    expect(calls).toHaveLength(2);

    for (let released = 0; released < 5; released += 1) {
      await waitFor(() => calls.length > released);
      calls[released].resolve();
    }
    await expect(Promise.all(published)).resolves.toEqual(Array(5).fill('confirmed'));
    expect(calls).toHaveLength(5);
    expect(maxActive).toBe(2);
    expect(active).toBe(0);
  });

  it('keeps a queue and its messages when its consumer stops, for the next consumer', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const first = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => ACK);
    const second = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => ACK);
    const subscription = bus.subscribe(topology('q.restarting', ['device.*']), 1, first);
    await subscription.stop(10);

    const published = bus.publish(message('device.allocated'));
    expect(await isPending(published)).toBe(true);

    bus.subscribe(topology('q.restarting', ['device.*']), 1, second);
    await expect(published).resolves.toBe('confirmed');
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('lets a stopping consumer finish the delivery in progress', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const release = gate();
    const subscription = bus.subscribe(topology('q', ['device.*']), 1, async () => {
      await release.promise;
      return ACK;
    });
    const published = bus.publish(message('device.allocated'));
    const stopped = subscription.stop(1000);
    expect(await isPending(stopped)).toBe(true);

    release.resolve();
    await stopped;
    await expect(published).resolves.toBe('confirmed');
  });

  it('confirms a message bound to two queues only when both have handled it', async () => {
    const bus = InProcessEventBus.forExchange(uniqueExchange());
    const release = gate();
    const fast = jest.fn<ReturnType<DeliveryHandler>, Parameters<DeliveryHandler>>(async () => ACK);
    bus.subscribe(topology('q.fast', ['device.allocated']), 1, fast);
    bus.subscribe(topology('q.slow', ['device.*']), 1, async () => {
      await release.promise;
      return ACK;
    });

    const published = bus.publish(message('device.allocated'));
    await waitFor(() => fast.mock.calls.length === 1);
    expect(await isPending(published)).toBe(true);

    release.resolve();
    await expect(published).resolves.toBe('confirmed');
  });
});
