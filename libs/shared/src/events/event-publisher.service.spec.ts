import { randomUUID } from 'node:crypto';
import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import { IsInt } from 'class-validator';
import { EventPayloadCatalog } from './event-payload-catalog';
import { EventPublisher } from './event-publisher.service';
import type { OutboxRelay } from './outbox-relay.service';
import type { OutboxRepository } from './outbox.repository';

class OrderPlaced {
  @IsInt()
  n!: number;
}

const overdue = { userId: randomUUID(), tenantId: 'default', balanceMinor: '-5', currency: 'USD' };

describe('EventPublisher', () => {
  let outbox: { insert: jest.Mock };
  let relay: { wake: jest.Mock };
  let publisher: EventPublisher;

  beforeEach(() => {
    outbox = { insert: jest.fn(async () => undefined) };
    relay = { wake: jest.fn() };
    publisher = new EventPublisher(
      outbox as unknown as OutboxRepository,
      relay as unknown as OutboxRelay,
      new EventPayloadCatalog({ 'order.placed': { 1: OrderPlaced } }),
    );
  });

  it('stores a domain event whose payload fits its class, and one of a type the service added', async () => {
    const [id] = await publisher.publish({
      type: DOMAIN_EVENTS.billingOverdue,
      aggregateId: 'u1',
      data: overdue,
    });
    await publisher.publish({ type: 'order.placed', aggregateId: 'o1', data: { n: 1 } });
    expect(outbox.insert).toHaveBeenNthCalledWith(1, [
      { eventId: id, type: 'billing.overdue', version: 1, aggregateKey: 'billing:u1', data: overdue },
    ]);
    expect(outbox.insert).toHaveBeenCalledTimes(2);
    expect(relay.wake).toHaveBeenCalledTimes(2);
  });

  it('refuses a batch with one invalid payload, naming the fields, and stores none of it', async () => {
    const events = [
      { type: DOMAIN_EVENTS.billingOverdue, aggregateId: 'u1', data: overdue },
      {
        type: DOMAIN_EVENTS.billingOverdue,
        aggregateId: 'u2',
        data: { ...overdue, balanceMinor: -5, userId: 'x' },
      },
    ];
    await expect(publisher.publish(events)).rejects.toThrow(
      /^Invalid event payload: billing\.overdue v1: balanceMinor: must be integer minor units.*; userId: must be a UUID$/,
    );
    expect(outbox.insert).not.toHaveBeenCalled();
    expect(relay.wake).not.toHaveBeenCalled();
  });

  it('refuses a type or a version the catalog does not know', async () => {
    await expect(
      publisher.publish({ type: 'order.cancelled', aggregateId: 'o1', data: { n: 1 } }),
    ).rejects.toThrow('Invalid event payload: order.cancelled v1: no payload class for this event type');
    await expect(
      publisher.publish({ type: DOMAIN_EVENTS.billingOverdue, aggregateId: 'u1', data: overdue, version: 2 }),
    ).rejects.toThrow('Invalid event payload: billing.overdue v2: unknown version (known: v1)');
    expect(outbox.insert).not.toHaveBeenCalled();
  });
});
