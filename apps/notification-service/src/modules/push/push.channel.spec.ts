import { randomUUID } from 'node:crypto';
import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { NotificationServiceConfig } from '../../config/notification-service.config';
import type { DeliveryChannels, DeliveryToSend } from '../deliveries';
import { PushChannel, pushMessage } from './push.channel';
import { type PushGateway, PushNotSentError } from './push.gateway';

const MAX_ATTEMPTS = 4;

function delivery(overrides: Partial<DeliveryToSend> = {}): DeliveryToSend {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    channel: 'push',
    eventType: DOMAIN_EVENTS.deviceAllocated,
    target: '',
    totalAttempts: 0,
    payload: {
      notificationId: randomUUID(),
      title: 'Device allocated',
      body: 'Your device is ready.',
      data: { allocationId: randomUUID() },
      occurredAt: '2026-12-01T10:00:00.000Z',
    },
    ...overrides,
  };
}

function channel(pushToUser: PushGateway['pushToUser']) {
  const registered: unknown[] = [];
  const channels = { register: (registeredChannel: unknown) => registered.push(registeredChannel) };
  const push = new PushChannel(
    channels as unknown as DeliveryChannels,
    { pushToUser } as PushGateway,
    { deliveryMaxAttempts: MAX_ATTEMPTS } as NotificationServiceConfig,
  );
  push.onModuleInit();
  expect(registered).toEqual([push]);
  return push;
}

describe('PushChannel', () => {
  it('has one target per user and pushes the notification to the user’s room → delivered', async () => {
    const pushToUser = jest.fn(async () => undefined);
    const push = channel(pushToUser);
    expect(await push.targetsFor()).toEqual(['']);
    const sent = delivery();
    expect(await push.send(sent)).toEqual({ result: 'delivered' });
    expect(pushToUser).toHaveBeenCalledWith(sent.userId, {
      deliveryId: sent.id,
      type: sent.eventType,
      occurredAt: sent.payload.occurredAt,
      notification: { id: sent.payload.notificationId, title: sent.payload.title, body: sent.payload.body },
      data: sent.payload.data,
    });
  });

  it('retries a transient failure within the first round, and ends it on the round’s last attempt', async () => {
    const push = channel(async () => {
      throw new PushNotSentError('PUSH_FANOUT_UNAVAILABLE', 'Redis is unreachable');
    });
    expect(await push.send(delivery({ totalAttempts: 0 }))).toMatchObject({
      result: 'failed',
      code: 'PUSH_FANOUT_UNAVAILABLE',
      permanent: false,
    });
    expect(await push.send(delivery({ totalAttempts: MAX_ATTEMPTS - 2 }))).toMatchObject({
      permanent: false,
    });
    const last = await push.send(delivery({ totalAttempts: MAX_ATTEMPTS - 1 }));
    expect(last).toMatchObject({ result: 'failed', code: 'PUSH_FANOUT_UNAVAILABLE', permanent: true });
    // A replay (a later round) gets one attempt.
    expect(await push.send(delivery({ totalAttempts: MAX_ATTEMPTS + 3 }))).toMatchObject({ permanent: true });
  });

  it('never pushes a token email or a delivery without a user, whatever the record says', async () => {
    const pushToUser = jest.fn(async () => undefined);
    const push = channel(pushToUser);
    for (const eventType of [
      DOMAIN_EVENTS.userPasswordResetRequested,
      DOMAIN_EVENTS.userEmailVerificationRequested,
    ]) {
      expect(await push.send(delivery({ eventType }))).toMatchObject({ result: 'skipped' });
    }
    expect(await push.send(delivery({ userId: null }))).toMatchObject({ result: 'skipped' });
    expect(pushToUser).not.toHaveBeenCalled();
  });

  it('sends a null notification id when the fact has none', () => {
    const sent = delivery();
    delete sent.payload.notificationId;
    expect(pushMessage(sent).notification.id).toBeNull();
  });
});
