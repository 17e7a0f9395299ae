import { settleAttempt } from './delivery-settlement';

const transient = {
  result: 'failed',
  error: 'connection refused',
  code: 'ECONNREFUSED',
  permanent: false,
} as const;

describe('settleAttempt', () => {
  it('settles a delivered attempt as delivered, whatever the attempts before', () => {
    expect(settleAttempt({ result: 'delivered' }, 5, 6)).toEqual({ status: 'delivered' });
  });

  it('retries a transient failure in the round until the last attempt, which fails the round', () => {
    expect(settleAttempt(transient, 0, 3)).toEqual({
      status: 'pending',
      error: 'ECONNREFUSED: connection refused',
      retryAfterMs: undefined,
    });
    expect(settleAttempt({ ...transient, retryAfterMs: 30_000 }, 1, 3)).toMatchObject({
      status: 'pending',
      retryAfterMs: 30_000,
    });
    expect(settleAttempt(transient, 2, 3)).toEqual({
      status: 'failed',
      error: 'ECONNREFUSED: connection refused',
    });
  });

  it('ends a permanent refusal and a skip as dead at the first attempt', () => {
    expect(settleAttempt({ ...transient, code: 'HTTP_410', permanent: true }, 0, 6)).toEqual({
      status: 'dead',
      error: 'HTTP_410: connection refused',
    });
    expect(settleAttempt({ result: 'skipped', reason: 'endpoint deleted' }, 0, 6)).toEqual({
      status: 'dead',
      error: 'skipped: endpoint deleted',
    });
  });

  it('fails at once when a round allows one attempt', () => {
    expect(settleAttempt(transient, 0, 1).status).toBe('failed');
  });
});
