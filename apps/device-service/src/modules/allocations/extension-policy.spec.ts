import { ALLOCATION_LIMITS, type ExtensionPolicy } from '@cloudphone/contracts';
import { type ExtensionState, extensionRefusal, extensionVerdict } from './extension-policy';

const POLICY: ExtensionPolicy = {
  maxExtensions: 3,
  maxMinutesPerExtension: 60,
  maxTotalMinutes: 100,
  cooldownMinutes: 5,
  windowMinutes: 30,
};
const NOW = new Date('2026-12-04T12:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

function state(overrides: Partial<ExtensionState> = {}): ExtensionState {
  return {
    active: true,
    expiresAt: minutes(10),
    durationMinutes: 30,
    extensionCount: 0,
    extendedMinutes: 0,
    lastExtendedAt: null,
    ...overrides,
  };
}

describe('extensionVerdict', () => {
  it('allows the smallest of the per-extension, total and platform limits', () => {
    expect(extensionVerdict(POLICY, state(), NOW)).toEqual({ allowed: true, maxAdditionalMinutes: 60 });
    expect(extensionVerdict(POLICY, state({ extendedMinutes: 70 }), NOW)).toEqual({
      allowed: true,
      maxAdditionalMinutes: 30,
    });
    const nearPlatformEnd = state({ durationMinutes: ALLOCATION_LIMITS.maxDurationMinutes - 7 });
    expect(extensionVerdict(POLICY, nearPlatformEnd, NOW)).toEqual({
      allowed: true,
      maxAdditionalMinutes: 7,
    });
  });

  it('refuses an ended or overdue allocation with 409 ALLOCATION_NOT_ACTIVE', () => {
    for (const ended of [state({ active: false }), state({ expiresAt: NOW })]) {
      const verdict = extensionVerdict(POLICY, ended, NOW);
      expect(verdict).toMatchObject({
        allowed: false,
        refusal: { code: 'ALLOCATION_NOT_ACTIVE', status: 409 },
      });
    }
  });

  it('refuses once the number of extensions is used up', () => {
    expect(extensionVerdict(POLICY, state({ extensionCount: 3 }), NOW)).toMatchObject({
      allowed: false,
      refusal: { code: 'EXTENSION_LIMIT_REACHED', status: 403, rule: { name: 'maxExtensions', limit: 3 } },
    });
  });

  it('refuses once the total minutes are used up', () => {
    expect(extensionVerdict(POLICY, state({ extendedMinutes: 100 }), NOW)).toMatchObject({
      allowed: false,
      refusal: { code: 'EXTENSION_TOTAL_EXCEEDED', rule: { name: 'maxTotalMinutes' } },
    });
  });

  it('refuses at the platform limit of one allocation', () => {
    const atLimit = state({ durationMinutes: ALLOCATION_LIMITS.maxDurationMinutes });
    expect(extensionVerdict(POLICY, atLimit, NOW)).toMatchObject({
      allowed: false,
      refusal: { code: 'EXTENSION_TOO_LONG', rule: { name: 'maxDurationMinutes' } },
    });
  });

  it('refuses during the cooldown and says when it ends', () => {
    const verdict = extensionVerdict(POLICY, state({ extensionCount: 1, lastExtendedAt: minutes(-2) }), NOW);
    expect(verdict).toMatchObject({
      allowed: false,
      refusal: { code: 'EXTENSION_COOLDOWN', retryAt: minutes(3) },
    });
    const cooled = extensionVerdict(POLICY, state({ extensionCount: 1, lastExtendedAt: minutes(-5) }), NOW);
    expect(cooled.allowed).toBe(true);
    const noCooldown = { ...POLICY, cooldownMinutes: 0 };
    expect(extensionVerdict(noCooldown, state({ lastExtendedAt: NOW }), NOW).allowed).toBe(true);
  });

  it('refuses before the window opens and says when it opens', () => {
    const verdict = extensionVerdict(POLICY, state({ expiresAt: minutes(45) }), NOW);
    expect(verdict).toMatchObject({
      allowed: false,
      refusal: { code: 'EXTENSION_TOO_EARLY', retryAt: minutes(15) },
    });
    expect(extensionVerdict(POLICY, state({ expiresAt: minutes(30) }), NOW).allowed).toBe(true);
  });

  it('names the first rule in a fixed order when several refuse', () => {
    const everything = state({
      extensionCount: 3,
      extendedMinutes: 100,
      lastExtendedAt: NOW,
      expiresAt: minutes(90),
    });
    expect(extensionVerdict(POLICY, everything, NOW)).toMatchObject({
      refusal: { code: 'EXTENSION_LIMIT_REACHED' },
    });
  });
});

describe('extensionRefusal', () => {
  it('is null for an amount every rule allows', () => {
    expect(extensionRefusal(POLICY, state(), NOW, 60)).toBeNull();
    expect(extensionRefusal(POLICY, state(), NOW, 1)).toBeNull();
  });

  it('names the rule an amount breaks', () => {
    expect(extensionRefusal(POLICY, state(), NOW, 61)).toMatchObject({
      code: 'EXTENSION_TOO_LONG',
      rule: { name: 'maxMinutesPerExtension', limit: 60 },
    });
    expect(extensionRefusal(POLICY, state({ extendedMinutes: 50 }), NOW, 51)).toMatchObject({
      code: 'EXTENSION_TOTAL_EXCEEDED',
    });
    const nearPlatformEnd = state({ durationMinutes: ALLOCATION_LIMITS.maxDurationMinutes - 7 });
    expect(extensionRefusal(POLICY, nearPlatformEnd, NOW, 8)).toMatchObject({
      code: 'EXTENSION_TOO_LONG',
      rule: { name: 'maxDurationMinutes' },
    });
  });

  it('gives the state refusal before looking at the amount', () => {
    expect(extensionRefusal(POLICY, state({ active: false }), NOW, 1000)).toMatchObject({
      code: 'ALLOCATION_NOT_ACTIVE',
    });
  });
});
