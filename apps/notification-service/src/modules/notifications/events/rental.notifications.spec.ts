import type {
  EventEnvelope,
  ProxyAcquiredEventData,
  ProxyReleasedEventData,
  SmsCodeReceivedEventData,
  SmsNumberExpiredEventData,
} from '@cloudphone/contracts';
import { PROXY_ACQUIRED_NOTIFICATION, PROXY_RELEASED_NOTIFICATION } from './proxy.notifications';
import { SMS_CODE_RECEIVED_NOTIFICATION, SMS_NUMBER_EXPIRED_NOTIFICATION } from './sms.notifications';

const rental = {
  userId: '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  tenantId: 'default',
  rentalId: '4f6b3c1e-1b6d-4f0e-9a51-0c2d7f3e8a10',
  proxyId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  allocationId: null,
  countryCode: 'US',
  type: 'residential' as const,
  startedAt: '2026-03-01T12:00:00.000Z',
};
const envelope: EventEnvelope = {
  id: 'e',
  type: 'proxy.acquired',
  version: 1,
  occurredAt: '2026-03-01T12:00:00.000Z',
  source: 'proxy-service',
  data: {},
};

describe('proxy and sms notification recipes', () => {
  it('proxy.acquired: names the exit and how long it is kept, one per rental', () => {
    const data: ProxyAcquiredEventData = { ...rental, expiresAt: '2026-03-01T12:30:00.000Z' };
    expect(PROXY_ACQUIRED_NOTIFICATION.text(data)).toEqual({
      title: 'Proxy ready',
      body: 'Your residential proxy in US keeps its exit until 2026-03-01 12:30 UTC.',
    });
    expect(PROXY_ACQUIRED_NOTIFICATION.sourceKey(data, envelope)).toBe(`proxy.acquired:${rental.rentalId}`);
  });

  it('proxy.released: says why and how long it was held, one per rental', () => {
    const data: ProxyReleasedEventData = {
      ...rental,
      endedAt: '2026-03-01T13:02:05.000Z',
      reason: 'allocation_ended',
    };
    expect(PROXY_RELEASED_NOTIFICATION.text(data)).toEqual({
      title: 'Proxy released',
      body: 'Your proxy was released with the device allocation it was bound to. Held for 1 h 2 min 5 s.',
    });
    expect(PROXY_RELEASED_NOTIFICATION.sourceKey(data, envelope)).toBe(`proxy.released:${rental.rentalId}`);
  });

  it('sms.code_received and sms.number_expired: the code, or that it cost nothing, one per number', () => {
    const number = {
      userId: rental.userId,
      tenantId: 'default',
      numberId: rental.rentalId,
      phoneNumber: '+447700900123',
      service: 'telegram',
      countryCode: 'GB',
      allocationId: null,
    };
    const code: SmsCodeReceivedEventData = {
      ...number,
      code: '51234',
      text: 'Telegram code: 51234',
      receivedAt: '2026-03-01T12:01:00.000Z',
    };
    expect(SMS_CODE_RECEIVED_NOTIFICATION.text(code)).toEqual({
      title: 'SMS code received',
      body: 'Your telegram code for +447700900123 is 51234.',
    });
    expect(SMS_CODE_RECEIVED_NOTIFICATION.sourceKey(code, envelope)).toBe(
      `sms.code_received:${number.numberId}`,
    );
    const expired: SmsNumberExpiredEventData = { ...number, expiredAt: '2026-03-01T12:20:00.000Z' };
    expect(SMS_NUMBER_EXPIRED_NOTIFICATION.text(expired).body).toContain('cost you nothing');
    expect(SMS_NUMBER_EXPIRED_NOTIFICATION.sourceKey(expired, envelope)).toBe(
      `sms.number_expired:${number.numberId}`,
    );
  });
});
