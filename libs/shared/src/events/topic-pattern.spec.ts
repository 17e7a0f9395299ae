import { assertValidTopicPattern, topicPatternMatches } from './topic-pattern';

describe('topicPatternMatches (RabbitMQ topic semantics)', () => {
  it.each([
    ['device.allocated', 'device.allocated', true],
    ['device.allocated', 'device.released', false],
    ['device.*', 'device.allocated', true],
    ['device.*', 'device', false],
    ['device.*', 'device.allocated.late', false],
    ['*.allocated', 'device.allocated', true],
    ['#', 'billing.balance_low', true],
    ['billing.#', 'billing', true],
    ['billing.#', 'billing.balance_low', true],
    ['billing.#', 'device.allocated', false],
    ['#.expired', 'allocation.expired', true],
    ['#.expired', 'allocation.expiring', false],
    ['device.#.x', 'device.x', true],
    ['device.#.x', 'device.a.b.x', true],
  ])('%s matches %s: %s', (pattern, type, expected) => {
    expect(topicPatternMatches(pattern, type)).toBe(expected);
  });
});

describe('assertValidTopicPattern', () => {
  it.each(['device.allocated', 'device.*', 'billing.#', '#', 'user.deleted_v2'])('accepts %s', (pattern) => {
    expect(() => assertValidTopicPattern(pattern)).not.toThrow();
  });

  it.each(['', 'Device.allocated', 'device..allocated', 'device.alloc ated', 'device.al*'])(
    'refuses "%s"',
    (pattern) => {
      expect(() => assertValidTopicPattern(pattern)).toThrow('Invalid event pattern');
    },
  );
});
