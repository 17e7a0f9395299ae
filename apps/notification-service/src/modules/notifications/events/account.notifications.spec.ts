import type {
  EventEnvelope,
  UserLockedOutEventData,
  UserPasswordChangedEventData,
  UserVerifiedEventData,
} from '@cloudphone/contracts';
import {
  LOCKED_OUT_NOTIFICATION,
  PASSWORD_CHANGED_NOTIFICATION,
  USER_VERIFIED_NOTIFICATION,
} from './account.notifications';

const userId = '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const recipient = { userId, tenantId: 'default', email: 'ada@example.com', displayName: 'Ada' };

function envelope(id: string): EventEnvelope {
  return {
    id,
    type: 'user.password_changed',
    version: 1,
    occurredAt: '2026-03-01T12:00:00.000Z',
    source: 'user-service',
    data: {},
  };
}

describe('account notification recipes', () => {
  it('user.verified: a welcome, one per user whatever the envelope', () => {
    const data: UserVerifiedEventData = { userId, tenantId: 'default' };
    expect(USER_VERIFIED_NOTIFICATION.text(data)).toEqual({
      title: 'Email verified',
      body: 'Welcome to Cloudphone! Your email address is verified and your account is active.',
    });
    expect(USER_VERIFIED_NOTIFICATION.sourceKey(data, envelope('a'))).toBe(`user.verified:${userId}`);
    expect(USER_VERIFIED_NOTIFICATION.sourceKey(data, envelope('b'))).toBe(`user.verified:${userId}`);
  });

  it('user.password_changed: tells the owner to reset it if it was not them, one per change event', () => {
    const data: UserPasswordChangedEventData = recipient;
    expect(PASSWORD_CHANGED_NOTIFICATION.text(data)).toEqual({
      title: 'Password changed',
      body: "Your password was changed. If this wasn't you, reset your password right away.",
    });
    // The same user changes it again later: a new fact, a new warning.
    expect(PASSWORD_CHANGED_NOTIFICATION.sourceKey(data, envelope('e1'))).toBe('user.password_changed:e1');
    expect(PASSWORD_CHANGED_NOTIFICATION.sourceKey(data, envelope('e2'))).toBe('user.password_changed:e2');
  });

  it('user.locked_out: the unlock time rounded up to the minute, keyed by user and unlock instant', () => {
    const data: UserLockedOutEventData = { ...recipient, lockedUntil: '2026-03-01T12:15:30.250Z' };
    const text = LOCKED_OUT_NOTIFICATION.text(data);
    expect(text).toEqual({
      title: 'Account locked',
      body:
        'Too many failed sign-in attempts locked your account until 2026-03-01 12:16 UTC. If those ' +
        "attempts weren't yours, someone may be guessing your password: change it once you are back in.",
    });
    const key = LOCKED_OUT_NOTIFICATION.sourceKey(data, envelope('a'));
    expect(key).toBe(`user.locked_out:${userId}:2026-03-01T12:15:30.250Z`);
    const respelled = { ...data, lockedUntil: '2026-03-01T13:15:30.250+01:00' };
    expect(LOCKED_OUT_NOTIFICATION.sourceKey(respelled, envelope('b'))).toBe(key);
    const onTheMinute = { ...data, lockedUntil: '2026-03-01T12:15:00.000Z' };
    expect(LOCKED_OUT_NOTIFICATION.text(onTheMinute).body).toContain('until 2026-03-01 12:15 UTC.');
  });

  it('never puts the address in the text', () => {
    const texts = [
      PASSWORD_CHANGED_NOTIFICATION.text(recipient),
      LOCKED_OUT_NOTIFICATION.text({ ...recipient, lockedUntil: '2026-03-01T12:15:00.000Z' }),
    ];
    for (const text of texts) expect(JSON.stringify(text)).not.toContain(recipient.email);
  });
});
