import {
  actorOf,
  actsForEveryone,
  assertMayActFor,
  listOwnerFor,
  mayActFor,
  standingToward,
} from './acting-for.policy';
import type { Principal } from './principal';

const ALICE = 'a1a1a1a1-0000-4000-8000-000000000001';
const BOB = 'b2b2b2b2-0000-4000-8000-000000000002';

const user = (userId: string, roles: string[] = ['user']): Principal => ({
  kind: 'user',
  userId,
  roles,
  tenantId: null,
});
const CALLERS: Record<string, Principal> = {
  alice: user(ALICE),
  'alice (admin)': user(ALICE, ['admin', 'user']),
  bob: user(BOB),
  'bob (admin)': user(BOB, ['admin']),
  'bob (role list without admin)': user(BOB, ['administrator', 'Admin', 'user']),
  'device-service': { kind: 'service', service: 'device-service' },
};

class Refused extends Error {}
const refuse = () => new Refused('refused');

describe('acting for a user: the whole matrix, with Alice as the user acted for', () => {
  it.each([
    ['alice', 'self', true],
    ['alice (admin)', 'self', true],
    ['bob', 'stranger', false],
    ['bob (admin)', 'admin', true],
    ['bob (role list without admin)', 'stranger', false],
    ['device-service', 'service', true],
  ] as const)('%s stands as %s and may act: %s', (caller, standing, allowed) => {
    const principal = CALLERS[caller];
    expect(standingToward(principal, ALICE)).toBe(standing);
    expect(mayActFor(principal, ALICE)).toBe(allowed);
    if (allowed) expect(() => assertMayActFor(principal, ALICE, refuse)).not.toThrow();
    else expect(() => assertMayActFor(principal, ALICE, refuse)).toThrow(Refused);
  });

  it.each([
    ['alice', false],
    ['alice (admin)', true],
    ['bob', false],
    ['bob (admin)', true],
    ['bob (role list without admin)', false],
    ['device-service', true],
  ] as const)('%s acts for everyone: %s', (caller, everyone) => {
    expect(actsForEveryone(CALLERS[caller])).toBe(everyone);
  });

  it('matches user ids exactly (no prefix, case or whitespace leniency)', () => {
    for (const lookalike of [ALICE.toUpperCase(), `${ALICE} `, ALICE.slice(0, -1), '', 'constructor']) {
      expect(standingToward(CALLERS.alice, lookalike)).toBe('stranger');
    }
  });
});

describe('listOwnerFor', () => {
  it('pins a plain user to their own records and refuses naming anyone else', () => {
    expect(listOwnerFor(CALLERS.alice, undefined, refuse)).toBe(ALICE);
    expect(listOwnerFor(CALLERS.alice, ALICE, refuse)).toBe(ALICE);
    expect(() => listOwnerFor(CALLERS.bob, ALICE, refuse)).toThrow(Refused);
  });

  it('lets admins and services list everyone, or the one user they name', () => {
    for (const caller of ['alice (admin)', 'bob (admin)', 'device-service']) {
      expect(listOwnerFor(CALLERS[caller], undefined, refuse)).toBeUndefined();
      expect(listOwnerFor(CALLERS[caller], ALICE, refuse)).toBe(ALICE);
    }
  });
});

describe('actorOf', () => {
  it('names a user by id and a service as service:<name>', () => {
    expect(actorOf(CALLERS.alice)).toBe(ALICE);
    expect(actorOf(CALLERS['device-service'])).toBe('service:device-service');
  });
});
