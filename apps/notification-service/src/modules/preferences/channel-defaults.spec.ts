import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import { EVENT_CHANNEL_RULES, channelRuleOf, choiceProblem, effectiveChannels } from './channel-defaults';

const none = new Map();

describe('channel defaults', () => {
  it('sends a token email by email only, whatever the stored choices', () => {
    const type = DOMAIN_EVENTS.userPasswordResetRequested;
    expect(effectiveChannels(type, none)).toEqual(['email']);
    expect(
      effectiveChannels(
        type,
        new Map([
          ['email', false],
          ['push', true],
          ['webhook', true],
        ]),
      ),
    ).toEqual(['email']);
  });

  it('keeps a security email on when a stored choice says off, and lets push be switched off', () => {
    const type = DOMAIN_EVENTS.userLockedOut;
    expect(effectiveChannels(type, none)).toEqual(['email', 'webhook', 'push']);
    expect(
      effectiveChannels(
        type,
        new Map([
          ['email', false],
          ['push', false],
        ]),
      ),
    ).toEqual(['email', 'webhook']);
  });

  it('emails money events by default, and a choice overrides the default either way', () => {
    expect(effectiveChannels(DOMAIN_EVENTS.billingInvoiceIssued, none)).toContain('email');
    expect(effectiveChannels(DOMAIN_EVENTS.deviceAllocated, none)).toEqual(['webhook', 'push']);
    expect(effectiveChannels(DOMAIN_EVENTS.deviceAllocated, new Map([['email', true]]))).toContain('email');
    expect(effectiveChannels(DOMAIN_EVENTS.billingInvoiceIssued, new Map([['email', false]]))).not.toContain(
      'email',
    );
  });

  it('knows no channel of an unknown or prototype-named event type', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'device.unknown']) {
      expect(channelRuleOf(type)).toBeUndefined();
      expect(effectiveChannels(type, none)).toEqual([]);
      expect(choiceProblem(type, 'push', true)).toBe('UNKNOWN_EVENT_TYPE');
    }
  });

  it('refuses switching off a locked email and choosing a channel a token email never takes', () => {
    expect(choiceProblem(DOMAIN_EVENTS.userPasswordChanged, 'email', false)).toBe('PREFERENCE_LOCKED');
    expect(choiceProblem(DOMAIN_EVENTS.userPasswordChanged, 'email', true)).toBeNull();
    expect(choiceProblem(DOMAIN_EVENTS.userEmailVerificationRequested, 'push', true)).toBe(
      'CHANNEL_NOT_ALLOWED',
    );
    expect(choiceProblem(DOMAIN_EVENTS.smsCodeReceived, 'email', true)).toBeNull();
  });

  it('has a rule for every event the inbox notifies of, and only for domain events', () => {
    const domainTypes = new Set<string>(Object.values(DOMAIN_EVENTS));
    for (const type of Object.keys(EVENT_CHANNEL_RULES)) expect(domainTypes.has(type)).toBe(true);
  });
});
