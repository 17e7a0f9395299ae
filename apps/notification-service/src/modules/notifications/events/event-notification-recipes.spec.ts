import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@cloudphone/contracts';
import { ALLOCATION_EXPIRED_NOTIFICATION } from './allocation-expired.notification';
import { ALLOCATION_EXPIRING_NOTIFICATION } from './allocation-expiring.notification';
import { ALLOCATION_EXTENDED_NOTIFICATION } from './allocation-extended.notification';
import { ALLOCATION_FAILED_NOTIFICATION } from './allocation-failed.notification';
import { ALLOCATION_MOVED_NOTIFICATION } from './allocation-moved.notification';
import {
  QUEUE_EXPIRED_NOTIFICATION,
  QUEUE_FULFILLED_NOTIFICATION,
  QUEUE_REFUSED_NOTIFICATION,
} from './queue.notifications';
import { TIER_CHANGED_NOTIFICATION } from './tier-changed.notification';
import { BALANCE_LOW_NOTIFICATION } from './balance-low.notification';
import { DEVICE_ALLOCATED_NOTIFICATION } from './device-allocated.notification';
import { DEVICE_RELEASED_NOTIFICATION } from './device-released.notification';
import type { EventNotificationRecipe } from './event-notification-recipe';
import {
  RESERVATION_CANCELLED_NOTIFICATION,
  RESERVATION_CONFIRMED_NOTIFICATION,
  RESERVATION_MISSED_NOTIFICATION,
  RESERVATION_REMINDER_NOTIFICATION,
} from './reservation.notifications';

const allocationId = '4f6b3c1e-1b6d-4f0e-9a51-0c2d7f3e8a10';
const userId = '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const deviceId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

function envelope(type: EventEnvelope['type'], data: unknown, overrides: Partial<EventEnvelope> = {}) {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: '2026-03-01T12:00:00.123Z',
    source: 'device-service',
    data,
    ...overrides,
  } as EventEnvelope;
}

// Payloads reach a recipe validated by the consumer framework (their refusals are tested with the
// contract classes in libs/contracts/src/events), so the recipes get the data as it arrives.
function render<T extends { userId: string }>(recipe: EventNotificationRecipe<T>, event: EventEnvelope) {
  const data = event.data as T;
  return { ...recipe.text(data), sourceKey: recipe.sourceKey(data, event) };
}

const allocated = {
  allocationId,
  deviceId,
  userId,
  tenantId: 'default',
  region: 'eu-west',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
  startedAt: '2026-03-01T12:00:00Z',
  expiresAt: '2026-03-01T13:00:00Z',
  fencingToken: '17',
};

describe('event notification recipes', () => {
  it('device.allocated: names the device and its end, one per allocation', () => {
    expect(render(DEVICE_ALLOCATED_NOTIFICATION, envelope('device.allocated', allocated))).toEqual({
      title: 'Device allocated',
      body: 'Your 4-core device (8192 MB memory, 64 GB storage) in eu-west is ready until 2026-03-01 13:00 UTC.',
      sourceKey: `device.allocated:${allocationId}`,
    });
  });

  it('allocation.extended: says how much longer and the new end, one per extension', () => {
    const extensionId = '7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
    const extended = {
      allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      extensionId,
      additionalMinutes: 90,
      previousExpiresAt: '2026-03-01T13:00:00Z',
      expiresAt: '2026-03-01T14:30:00Z',
      sequence: 2,
    };
    expect(render(ALLOCATION_EXTENDED_NOTIFICATION, envelope('allocation.extended', extended))).toEqual({
      title: 'Allocation extended',
      body: 'Your device is yours 90 minutes longer, until 2026-03-01 14:30 UTC.',
      sourceKey: `allocation.extended:${extensionId}`,
    });
  });

  it('allocation.moved: says the device was replaced, the end unchanged, one per new claim', () => {
    const moved = {
      allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      fromDeviceId: '7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b',
      fencingToken: '12',
      expiresAt: '2026-03-01T14:30:00Z',
    };
    expect(render(ALLOCATION_MOVED_NOTIFICATION, envelope('allocation.moved', moved))).toEqual({
      title: 'Device replaced',
      body:
        'Your device failed, so your rental moved to a healthy one, until 2026-03-01 14:30 UTC as before and ' +
        'billed as one rental. Fetch its new access: the old ADB endpoint and token no longer work.',
      sourceKey: `allocation.moved:${allocationId}:12`,
    });
  });

  it('reservation.*: the slot, the reminder lead, the fee, the reason', () => {
    const slot = {
      reservationId: allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      startAt: '2026-03-02T09:00:00Z',
      endAt: '2026-03-02T11:00:00Z',
    };
    const window = 'from 2026-03-02 09:00 UTC to 2026-03-02 11:00 UTC';
    expect(render(RESERVATION_CONFIRMED_NOTIFICATION, envelope('reservation.confirmed', slot))).toEqual({
      title: 'Reservation confirmed',
      body: `Your device is booked ${window}.`,
      sourceKey: `reservation.confirmed:${allocationId}`,
    });
    const reminder = render(
      RESERVATION_REMINDER_NOTIFICATION,
      envelope('reservation.reminder', { ...slot, minutesLeft: 15 }),
    );
    expect(reminder.body).toBe(`Your reserved device is yours in 15 minutes, ${window}.`);
    expect(reminder.sourceKey).toBe(`reservation.reminder:${allocationId}:2026-03-02T09:00:00.000Z`);
    expect(RESERVATION_REMINDER_NOTIFICATION.supersededBy?.(slot as never)).toEqual([
      `reservation.cancelled:${allocationId}`,
      `reservation.missed:${allocationId}`,
    ]);
    const free = render(
      RESERVATION_CANCELLED_NOTIFICATION,
      envelope('reservation.cancelled', { ...slot, feeSeconds: 0 }),
    );
    expect(free.body).toBe(`Your reservation ${window} is cancelled.`);
    const late = render(
      RESERVATION_CANCELLED_NOTIFICATION,
      envelope('reservation.cancelled', { ...slot, feeSeconds: 3600 }),
    );
    expect(late.body).toContain('A late-cancellation fee of 3600 s of use is billed.');
    const missed = render(
      RESERVATION_MISSED_NOTIFICATION,
      envelope('reservation.missed', { ...slot, reason: 'NOT_ACTIVATED' }),
    );
    expect(missed.body).toBe(
      `Your reservation ${window} could not start (NOT_ACTIVATED); it was released and not billed.`,
    );
  });

  it('allocation.failed: says why in words for the known codes, by code otherwise', () => {
    const failed = { allocationId, deviceId, userId, tenantId: 'default', code: 'INSUFFICIENT_BALANCE' };
    expect(render(ALLOCATION_FAILED_NOTIFICATION, envelope('allocation.failed', failed))).toEqual({
      title: 'Allocation failed',
      body: 'Your device could not be allocated: your balance does not cover it. Nothing was billed.',
      sourceKey: `allocation.failed:${allocationId}`,
    });
    const odd = render(
      ALLOCATION_FAILED_NOTIFICATION,
      envelope('allocation.failed', { ...failed, code: 'CLAIM_LOST' }),
    );
    expect(odd.body).toBe('Your device could not be allocated: refused (CLAIM_LOST). Nothing was billed.');
  });

  it('user.tier_changed: names both tiers, one per change event', () => {
    const event = envelope('user.tier_changed', {
      userId,
      tenantId: 'default',
      previousTier: 'free',
      tier: 'pro',
    });
    expect(render(TIER_CHANGED_NOTIFICATION, event)).toEqual({
      title: 'Plan changed',
      body: 'Your plan changed from free to pro. Its quota, extension rules and queue priority apply from now on.',
      sourceKey: `user.tier_changed:${event.id}`,
    });
  });

  it('queue.*: how long it waited, and why it was refused', () => {
    const entryId = '5d1c2b3a-4f5e-4a6b-9c7d-8e9f0a1b2c3d';
    const base = { entryId, userId, tenantId: 'default', waitedSeconds: 754 };
    const fulfilled = render(
      QUEUE_FULFILLED_NOTIFICATION,
      envelope('queue.fulfilled', { ...base, allocationId, deviceId }),
    );
    expect(fulfilled).toMatchObject({
      title: 'Your device is ready',
      sourceKey: `queue.fulfilled:${entryId}`,
    });
    expect(fulfilled.body).toContain('in the queue, a device was allocated to you');
    expect(render(QUEUE_EXPIRED_NOTIFICATION, envelope('queue.expired', base)).sourceKey).toBe(
      `queue.expired:${entryId}`,
    );
    expect(
      render(QUEUE_REFUSED_NOTIFICATION, envelope('queue.refused', { ...base, code: 'INSUFFICIENT_BALANCE' }))
        .body,
    ).toBe(
      'A device was free for you, but the allocation was refused (INSUFFICIENT_BALANCE); you left the queue.',
    );
  });

  it('device.released: says why, with the billed time', () => {
    const released = {
      allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      startedAt: '2026-03-01T12:00:00Z',
      endedAt: '2026-03-01T12:12:05Z',
      billedSeconds: 725,
      reason: 'account_overdue',
      fencingToken: '17',
    };
    expect(render(DEVICE_RELEASED_NOTIFICATION, envelope('device.released', released))).toEqual({
      title: 'Device released',
      body: 'Your device was released because your account is overdue. Billed time: 12 min 5 s.',
      sourceKey: `device.released:${allocationId}`,
    });
  });

  it('allocation.expiring: minutes left, keyed by the expiry instant whatever its spelling', () => {
    const expiring = {
      allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      expiresAt: '2026-03-01T13:00:00+00:00',
      minutesLeft: 5,
    };
    const rendered = render(ALLOCATION_EXPIRING_NOTIFICATION, envelope('allocation.expiring', expiring));
    expect(rendered).toEqual({
      title: 'Device expiring soon',
      body: 'Your device expires in 5 minutes (at 2026-03-01 13:00 UTC). Extend the allocation to keep it.',
      sourceKey: `allocation.expiring:${allocationId}:2026-03-01T13:00:00.000Z`,
    });
    const respelled = { ...expiring, expiresAt: '2026-03-01T14:00:00.000+01:00', minutesLeft: 1 };
    const again = render(ALLOCATION_EXPIRING_NOTIFICATION, envelope('allocation.expiring', respelled));
    expect(again.sourceKey).toBe(rendered.sourceKey);
    expect(again.body).toContain('expires in 1 minute (');
    expect(ALLOCATION_EXPIRING_NOTIFICATION.supersededBy?.(expiring)).toEqual([
      `allocation.expired:${allocationId}`,
      `device.released:${allocationId}`,
    ]);
  });

  it('allocation.expired: end time and billed time', () => {
    const expired = {
      allocationId,
      deviceId,
      userId,
      tenantId: 'default',
      startedAt: '2026-03-01T12:00:00Z',
      expiredAt: '2026-03-01T13:00:00Z',
      billedSeconds: 3600,
    };
    expect(render(ALLOCATION_EXPIRED_NOTIFICATION, envelope('allocation.expired', expired))).toEqual({
      title: 'Device expired',
      body: 'Your device allocation ended at 2026-03-01 13:00 UTC. Billed time: 1 h.',
      sourceKey: `allocation.expired:${allocationId}`,
    });
  });

  it('billing.balance_low: money in major units, keyed by user, threshold and the crossing time', () => {
    const low = { userId, tenantId: 'default', balanceMinor: '-420', thresholdMinor: '500', currency: 'USD' };
    expect(render(BALANCE_LOW_NOTIFICATION, envelope('billing.balance_low', low))).toEqual({
      title: 'Balance low',
      body: 'Your balance is -4.20 USD, below your alert threshold of 5.00 USD. Top up to keep your devices running.',
      sourceKey: `billing.balance_low:${userId}:500:2026-03-01T12:00:00.123Z`,
    });
    const yen = render(
      BALANCE_LOW_NOTIFICATION,
      envelope('billing.balance_low', { ...low, balanceMinor: '7', currency: 'JPY' }),
    );
    expect(yen.body).toContain('Your balance is 7 JPY, below your alert threshold of 500 JPY.');
    const euro = render(
      BALANCE_LOW_NOTIFICATION,
      envelope('billing.balance_low', { ...low, balanceMinor: '5', currency: 'EUR' }),
    );
    expect(euro.body).toContain('Your balance is 0.05 EUR');
  });

  it('accepts extra fields (additive changes keep the version)', () => {
    expect(
      render(
        DEVICE_ALLOCATED_NOTIFICATION,
        envelope('device.allocated', { ...allocated, androidVersion: '14' }),
      ).title,
    ).toBe('Device allocated');
  });
});
