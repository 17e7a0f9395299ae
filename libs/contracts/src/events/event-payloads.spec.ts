import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DOMAIN_EVENT_PAYLOADS, type EventPayloadClass, type PayloadOf } from './domain-event-payloads';
import { DOMAIN_EVENTS, type DomainEventType } from './domain-events';
import { isEventTime } from './event-payload-fields';
import {
  BillingBalanceLowEventData,
  BillingUsageRecordedEventData,
  DeviceAllocatedEventData,
  DeviceFailedEventData,
  DeviceReleasedEventData,
} from './event-payloads';

const allocationId = '4f6b3c1e-1b6d-4f0e-9a51-0c2d7f3e8a10';
const deviceId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const userId = '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const usageId = '0d4c2b1a-9f8e-4d7c-a6b5-4c3d2e1f0a9b';
const tenantId = 'default';

function slot() {
  return {
    reservationId: usageId,
    deviceId,
    userId,
    tenantId,
    startAt: '2026-03-02T09:00:00.000Z',
    endAt: '2026-03-02T11:00:00.000Z',
  };
}

// Typed by the catalog: a sample that drifts from its class fails to compile.
const VALID: { [T in DomainEventType]: PayloadOf<T, 1> } = {
  'device.allocated': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    region: 'eu-west-1',
    cpuCores: 4,
    memoryMb: 8192,
    storageGb: 64,
    startedAt: '2026-03-01T12:00:00.000Z',
    expiresAt: '2026-03-01T13:00:00.000Z',
    fencingToken: '17',
  },
  'device.released': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    startedAt: '2026-03-01T12:00:00Z',
    endedAt: '2026-03-01T12:30:00+00:00',
    billedSeconds: 0,
    reason: 'account_overdue',
    fencingToken: '9223372036854775807',
  },
  'device.failed': { deviceId, reason: 'provider reports the emulator crashed', allocationId: null },
  'allocation.expiring': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    expiresAt: '2026-03-01T13:00:00.000Z',
    minutesLeft: 5,
  },
  'allocation.expired': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    startedAt: '2026-03-01T12:00:00.000Z',
    expiredAt: '2026-03-01T13:00:00.000Z',
    billedSeconds: 3600,
  },
  'allocation.extended': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    extensionId: usageId,
    additionalMinutes: 30,
    previousExpiresAt: '2026-03-01T13:00:00.000Z',
    expiresAt: '2026-03-01T13:30:00.000Z',
    sequence: 1,
  },
  'allocation.moved': {
    allocationId,
    deviceId,
    userId,
    tenantId,
    fromDeviceId: usageId,
    fencingToken: '8',
    expiresAt: '2026-03-01T13:00:00.000Z',
  },
  'reservation.confirmed': { ...slot() },
  'reservation.reminder': { ...slot(), minutesLeft: 15 },
  'reservation.cancelled': { ...slot(), feeSeconds: 0 },
  'reservation.missed': { ...slot(), reason: 'DEVICE_UNAVAILABLE' },
  'queue.fulfilled': { entryId: usageId, userId, tenantId, waitedSeconds: 95, allocationId, deviceId },
  'queue.expired': { entryId: usageId, userId, tenantId, waitedSeconds: 3600 },
  'queue.refused': { entryId: usageId, userId, tenantId, waitedSeconds: 12, code: 'INSUFFICIENT_BALANCE' },
  'billing.usage_recorded': {
    usageId,
    allocationId,
    userId,
    tenantId,
    billedSeconds: 3600,
    amountMinor: '1250',
    balanceMinor: '-420',
    currency: 'USD',
  },
  'billing.balance_low': { userId, tenantId, balanceMinor: '420', thresholdMinor: '500', currency: 'EUR' },
  'billing.overdue': { userId, tenantId, balanceMinor: '-5', currency: 'JPY' },
  'billing.invoice_issued': {
    userId,
    tenantId,
    invoiceId: usageId,
    number: 'INV-202612-000001',
    period: '2026-12',
    openingBalanceMinor: '1500',
    chargesMinor: '2300',
    creditsMinor: '500',
    closingBalanceMinor: '-300',
    amountDueMinor: '300',
    currency: 'USD',
    status: 'issued',
    dueAt: '2027-01-15T02:00:00.000Z',
    issuedAt: '2027-01-01T02:00:00.000Z',
  },
  'billing.invoice_overdue': {
    userId,
    tenantId,
    invoiceId: usageId,
    number: 'INV-202612-000001',
    period: '2026-12',
    amountDueMinor: '300',
    currency: 'USD',
    dueAt: '2027-01-15T02:00:00.000Z',
    balanceMinor: '-120',
  },
  'user.deleted': { userId, tenantId },
  'user.suspended': { userId, tenantId },
  'user.tier_changed': { userId, tenantId, previousTier: 'free', tier: 'pro' },
  'user.registered': { userId, tenantId, tier: 'free' },
  'user.verified': { userId, tenantId },
  'user.email_verification_requested': {
    userId,
    tenantId,
    email: 'ada@example.com',
    displayName: 'Ada',
    token: 'a'.repeat(43),
    expiresAt: '2026-03-03T09:00:00.000Z',
  },
  'user.password_reset_requested': {
    userId,
    tenantId,
    email: 'ada@example.com',
    displayName: 'Ada',
    token: 'b'.repeat(43),
    expiresAt: '2026-03-02T09:30:00.000Z',
  },
  'user.password_changed': { userId, tenantId, email: 'ada@example.com', displayName: 'Ada' },
  'user.locked_out': {
    userId,
    tenantId,
    email: 'ada@example.com',
    displayName: 'Ada',
    lockedUntil: '2026-03-02T09:15:00.000Z',
  },
  'allocation.failed': { allocationId, deviceId, userId, tenantId, code: 'QUOTA_EXCEEDED' },
  'proxy.acquired': {
    userId,
    tenantId,
    rentalId: usageId,
    proxyId: deviceId,
    allocationId: null,
    countryCode: 'US',
    type: 'residential',
    startedAt: '2026-03-02T09:00:00.000Z',
    expiresAt: '2026-03-02T09:30:00.000Z',
  },
  'proxy.released': {
    userId,
    tenantId,
    rentalId: usageId,
    proxyId: deviceId,
    allocationId,
    countryCode: 'DE',
    type: 'datacenter',
    startedAt: '2026-03-02T09:00:00.000Z',
    endedAt: '2026-03-02T09:12:00.000Z',
    reason: 'allocation_ended',
  },
  'billing.payment_succeeded': {
    userId,
    tenantId,
    paymentId: usageId,
    provider: 'stripe',
    amountMinor: '5000',
    chargedMinor: '4500',
    currency: 'USD',
    balanceMinor: '12500',
    settledAt: '2026-03-02T09:05:00.000Z',
  },
  'billing.payment_failed': {
    userId,
    tenantId,
    paymentId: usageId,
    provider: 'simulated',
    amountMinor: '5000',
    chargedMinor: '5000',
    currency: 'USD',
    status: 'expired',
    failureCode: null,
  },
  'sms.code_received': {
    userId,
    tenantId,
    numberId: usageId,
    phoneNumber: '+447700900123',
    service: 'telegram',
    countryCode: 'GB',
    allocationId: null,
    code: '51234',
    text: 'Telegram code: 51234',
    receivedAt: '2026-03-02T09:01:00.000Z',
  },
  'sms.number_expired': {
    userId,
    tenantId,
    numberId: usageId,
    phoneNumber: '+447700900123',
    service: 'whatsapp',
    countryCode: 'GB',
    allocationId,
    expiredAt: '2026-03-02T09:20:00.000Z',
  },
};

/** Each invalid field of `data` under `payloadClass`, with its messages. */
function problems(payloadClass: EventPayloadClass, data: object): Record<string, string[]> {
  const errors = validateSync(plainToInstance(payloadClass, data), { forbidUnknownValues: true });
  return Object.fromEntries(errors.map((error) => [error.property, Object.values(error.constraints ?? {})]));
}

function invalidFields(payloadClass: EventPayloadClass, data: object): string[] {
  return Object.keys(problems(payloadClass, data)).sort();
}

const allocated = VALID['device.allocated'];

describe('event payload classes', () => {
  it('has a payload class for every domain event, version 1', () => {
    expect(Object.keys(DOMAIN_EVENT_PAYLOADS).sort()).toEqual(Object.values(DOMAIN_EVENTS).sort());
    for (const versions of Object.values(DOMAIN_EVENT_PAYLOADS)) expect(Object.keys(versions)).toEqual(['1']);
  });

  it.each(Object.values(DOMAIN_EVENTS))('accepts a valid %s payload', (type) => {
    expect(problems(DOMAIN_EVENT_PAYLOADS[type][1], VALID[type])).toEqual({});
  });

  it('tolerates extra top-level fields (a publisher may add one without a new version)', () => {
    const data = { ...allocated, androidVersion: '14', labels: { pool: 'gpu' } };
    expect(problems(DeviceAllocatedEventData, data)).toEqual({});
    expect(plainToInstance(DeviceAllocatedEventData, data)).toMatchObject({ androidVersion: '14' });
  });

  it.each([
    ['a missing field', { expiresAt: undefined }, 'expiresAt'],
    ['an id that is not a uuid', { userId: 'u-1' }, 'userId'],
    ['an empty tenant id', { tenantId: '' }, 'tenantId'],
    ['an overlong region', { region: 'r'.repeat(129) }, 'region'],
    ['a number as a string', { cpuCores: '4' }, 'cpuCores'],
    ['a fraction', { memoryMb: 1.5 }, 'memoryMb'],
    ['zero where a positive count is due', { storageGb: 0 }, 'storageGb'],
    ['a count past one device (DEVICE_SPEC_BOUNDS)', { cpuCores: 129 }, 'cpuCores'],
    ['memory below one device', { memoryMb: 255 }, 'memoryMb'],
    ['a time in words', { startedAt: 'yesterday' }, 'startedAt'],
    ['a date without a time', { startedAt: '2026-03-01' }, 'startedAt'],
    ['a time without a zone', { startedAt: '2026-03-01T12:00:00' }, 'startedAt'],
    ['a date that does not exist', { expiresAt: '2026-02-30T12:00:00Z' }, 'expiresAt'],
    ['a time as epoch milliseconds', { expiresAt: 1772366400000 }, 'expiresAt'],
    ['a fencing token of zero', { fencingToken: '0' }, 'fencingToken'],
    ['a fencing token as a number', { fencingToken: 17 }, 'fencingToken'],
    ['an object where text is due', { region: { $gt: '' } }, 'region'],
  ])('refuses device.allocated with %s, naming the field', (_case, change, field) => {
    expect(invalidFields(DeviceAllocatedEventData, { ...allocated, ...change })).toEqual([field]);
  });

  it('names every bad field at once', () => {
    expect(
      invalidFields(DeviceAllocatedEventData, { ...allocated, userId: 'nobody', cpuCores: -1, region: 7 }),
    ).toEqual(['cpuCores', 'region', 'userId']);
  });

  it('refuses a release reason outside ALLOCATION_END_REASONS and a negative billed time', () => {
    const released = { ...VALID['device.released'], reason: 'bored', billedSeconds: -5 };
    expect(invalidFields(DeviceReleasedEventData, released)).toEqual(['billedSeconds', 'reason']);
  });

  it('refuses money that is not integer minor units and a currency that is not ISO 4217', () => {
    const usage = {
      ...VALID['billing.usage_recorded'],
      amountMinor: '12.50',
      balanceMinor: 420,
      currency: 'usd',
    };
    expect(invalidFields(BillingUsageRecordedEventData, usage)).toEqual([
      'amountMinor',
      'balanceMinor',
      'currency',
    ]);
    const low = problems(BillingBalanceLowEventData, {
      ...VALID['billing.balance_low'],
      thresholdMinor: '1e3',
    });
    expect(low).toEqual({
      thresholdMinor: ['thresholdMinor must be integer minor units as a decimal string'],
    });
  });

  it('device.failed: allocationId is a uuid or null, never absent', () => {
    const failed = VALID['device.failed'];
    expect(problems(DeviceFailedEventData, { ...failed, allocationId })).toEqual({});
    expect(invalidFields(DeviceFailedEventData, { ...failed, allocationId: undefined })).toEqual([
      'allocationId',
    ]);
    expect(invalidFields(DeviceFailedEventData, { ...failed, allocationId: 'none' })).toEqual([
      'allocationId',
    ]);
    expect(invalidFields(DeviceFailedEventData, { ...failed, reason: '' })).toEqual(['reason']);
  });

  it('isEventTime: an RFC 3339 date-time with a zone, on a real calendar day', () => {
    const valid = ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.123456Z', '2026-03-01T13:00:00+01:00'];
    for (const time of valid) expect(isEventTime(time)).toBe(true);
    const invalid = ['2026-03-01', '2026-03-01T12:00:00', '2026-03-01 12:00:00Z', '2026-02-29T00:00:00Z'];
    for (const time of [...invalid, '2026-03-01T24:00:00Z', 'soon', 1772366400000, null]) {
      expect(isEventTime(time)).toBe(false);
    }
  });
});
