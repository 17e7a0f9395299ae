import { DEVICE_STATUSES } from '@cloudphone/contracts';
import { canMove, DEVICE_TRANSITIONS, IN_SERVICE_SQL, returnToPoolTarget } from './device-state-machine';

describe('device state machine', () => {
  it('walks the rental cycle provisioning → available → allocated → resetting → available', () => {
    expect(canMove('provisioning', 'available')).toBe(true);
    expect(canMove('available', 'allocated')).toBe(true);
    expect(canMove('allocated', 'resetting')).toBe(true);
    expect(canMove('resetting', 'available')).toBe(true);
  });

  it('enters available only from provisioning or a reset', () => {
    const into = DEVICE_STATUSES.filter((from) => canMove(from, 'available'));
    expect(into.sort()).toEqual(['provisioning', 'resetting']);
  });

  it('never hands an allocated device to the pool without a reset', () => {
    expect(canMove('allocated', 'available')).toBe(false);
    expect(canMove('maintenance', 'available')).toBe(false);
    expect(canMove('failed', 'available')).toBe(false);
  });

  it('lets a failed or maintained device back only through a reset', () => {
    expect(returnToPoolTarget('maintenance')).toBe('resetting');
    expect(returnToPoolTarget('failed')).toBe('resetting');
    expect(returnToPoolTarget('provisioning')).toBe('available');
    expect(canMove('failed', 'resetting')).toBe(true);
  });

  it('keeps retired final, and names every status exactly once', () => {
    expect(DEVICE_TRANSITIONS.retired).toEqual([]);
    expect(Object.keys(DEVICE_TRANSITIONS).sort()).toEqual([...DEVICE_STATUSES].sort());
    for (const from of DEVICE_STATUSES) {
      expect(canMove(from, from)).toBe(false);
      for (const to of DEVICE_TRANSITIONS[from]) expect(DEVICE_STATUSES).toContain(to);
    }
  });

  it('writes the in-service statuses as SQL', () => {
    expect(IN_SERVICE_SQL).toBe(`d.status IN ('available', 'allocated', 'resetting')`);
  });
});
