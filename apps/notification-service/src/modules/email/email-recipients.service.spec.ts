import { randomUUID } from 'node:crypto';
import {
  DependencyUnavailableError,
  HttpClientError,
  HttpNetworkError,
  CircuitOpenError,
} from '@cloudphone/shared';
import type { DeliveryToSend } from '../deliveries';
import { EmailRecipients } from './email-recipients.service';
import type { UserAddress, UserAddressClient } from './user-address.client';

const CONTEXT = { target: 'user-service', method: 'GET', route: 'users/:id', attempts: 3 };

function delivery(overrides: Partial<DeliveryToSend> = {}): DeliveryToSend {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    channel: 'email',
    eventType: 'billing.invoice_issued',
    target: '',
    payload: { title: 'Invoice issued', body: 'Body', data: {}, occurredAt: new Date().toISOString() },
    totalAttempts: 0,
    ...overrides,
  };
}

function recipients(answer: UserAddress | Error) {
  const calls: string[] = [];
  const client = {
    addressOf: (userId: string) => {
      calls.push(userId);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as UserAddressClient;
  return { service: new EmailRecipients(client), calls };
}

const active = {
  found: true,
  email: 'ada@example.com',
  displayName: 'Ada',
  emailVerified: true,
  active: true,
} as const;

describe('EmailRecipients', () => {
  it('uses the address the event carried, asking nobody', async () => {
    const { service, calls } = recipients(new Error('must not be called'));
    const carried = delivery({
      eventType: 'user.password_changed',
      payload: { ...delivery().payload, email: { address: 'sec@example.com', displayName: 'Sec' } },
    });
    expect(await service.resolve(carried)).toEqual({
      result: 'found',
      recipient: { address: 'sec@example.com', displayName: 'Sec' },
    });
    expect(calls).toEqual([]);
  });

  it('looks a user up when the event carried no address', async () => {
    const { service, calls } = recipients(active);
    const sent = delivery();
    expect(await service.resolve(sent)).toEqual({
      result: 'found',
      recipient: { address: 'ada@example.com', displayName: 'Ada' },
    });
    expect(calls).toEqual([sent.userId]);
  });

  it.each([
    [
      'no user at all (an operator delivery without address)',
      { found: false } as const,
      { userId: null },
      'no_address',
    ],
    ['a user user-service does not know', { found: false } as const, {}, 'user_not_found'],
    ['a user who is not active', { ...active, active: false }, {}, 'user_not_active'],
    ['an unverified address', { ...active, emailVerified: false }, {}, 'email_not_verified'],
  ])('skips %s', async (_case, answer, overrides, reason) => {
    expect(await recipients(answer).service.resolve(delivery(overrides))).toEqual({
      result: 'skipped',
      reason,
    });
  });

  it('sends the verification email to an unverified address', async () => {
    const { service } = recipients({ ...active, emailVerified: false });
    expect(await service.resolve(delivery({ eventType: 'user.email_verification_requested' }))).toMatchObject(
      {
        result: 'found',
      },
    );
  });

  it.each([
    [
      'connection refused',
      new DependencyUnavailableError(
        'user-service',
        'user.read',
        new HttpNetworkError('ECONNREFUSED', CONTEXT, null),
      ),
      'USER_SERVICE_UNAVAILABLE',
      undefined,
    ],
    [
      'an open circuit breaker',
      new DependencyUnavailableError('user-service', 'user.read', new CircuitOpenError(CONTEXT, 4000)),
      'USER_SERVICE_UNAVAILABLE',
      4000,
    ],
    [
      'our service token refused',
      new HttpClientError({ status: 403, code: 'FORBIDDEN', message: 'no' }, CONTEXT),
      'USER_LOOKUP_REFUSED',
      undefined,
    ],
    ['anything else', new Error('odd'), 'USER_LOOKUP_FAILED', undefined],
  ])('fails transiently on %s', async (_case, error, code, retryAfterMs) => {
    const lookup = await recipients(error).service.resolve(delivery());
    expect(lookup).toEqual({
      result: 'failed',
      outcome: expect.objectContaining({ result: 'failed', code, permanent: false }),
    });
    expect(lookup.result === 'failed' && lookup.outcome.retryAfterMs).toBe(retryAfterMs);
  });
});
