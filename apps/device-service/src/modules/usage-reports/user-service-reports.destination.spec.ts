import type { QuotaRestoreBatchRequest, QuotaRestoreBatchResponse } from '@cloudphone/contracts';
import type { DeliveryOutcome, OutboxMessage } from '@cloudphone/shared';
import type { QuotaClient } from '../../integrations/platform-services/quota.client';
import { UserServiceReportsDestination } from './user-service-reports.destination';

const USER = '11111111-1111-4111-8111-111111111111';

function message(kind: 'quota_usage' | 'quota_restore', allocationId: string): OutboxMessage {
  return {
    rowId: allocationId,
    id: '00000000-0000-4000-8000-000000000000',
    destination: 'user-service',
    type: `report.${kind}`,
    key: allocationId,
    attempts: 0,
    data: { userId: USER, allocationId },
  };
}

function destinationWith(
  batch: (request: QuotaRestoreBatchRequest) => DeliveryOutcome<QuotaRestoreBatchResponse>,
) {
  const client = {
    restoreBatch: jest.fn(async (request: QuotaRestoreBatchRequest) => batch(request)),
    restore: jest.fn(async () => ({ status: 'delivered', response: {} })),
    reportUsage: jest.fn(async () => ({ status: 'delivered', response: {} })),
  };
  return { destination: new UserServiceReportsDestination(client as unknown as QuotaClient), client };
}

describe('UserServiceReportsDestination', () => {
  it('sends restores in batches of 100, usage reports one by one, and answers in message order', async () => {
    const restores = Array.from({ length: 101 }, (_, index) => message('quota_restore', `r${index}`));
    const usage = [message('quota_usage', 'u0'), message('quota_usage', 'u1')];
    const { destination, client } = destinationWith((request) => ({
      status: 'delivered',
      response: {
        results: request.items.map((item) => {
          if (item.allocationId === 'r1')
            return {
              allocationId: 'r1',
              status: 'failed',
              errorCode: 'USER_NOT_FOUND',
              errorMessage: 'gone',
            };
          if (item.allocationId === 'r2')
            return {
              allocationId: 'r2',
              status: 'failed',
              errorCode: 'INTERNAL_ERROR',
              errorMessage: 'boom',
            };
          // An answer out of step with the request (a wrong id) is never taken as delivered.
          if (item.allocationId === 'r3') return { allocationId: 'someone-else', status: 'applied' };
          return {
            allocationId: item.allocationId,
            status: item.allocationId === 'r4' ? 'replayed' : 'applied',
          };
        }),
      },
    }));

    const verdicts = await destination.deliver([usage[0], ...restores, usage[1]]);

    expect(client.restoreBatch.mock.calls.map(([request]) => request.items.length)).toEqual([100]);
    expect(client.restore).toHaveBeenCalledTimes(1); // the 101st alone: the single call
    expect(client.reportUsage).toHaveBeenCalledTimes(2);
    expect(verdicts).toHaveLength(103);
    expect(verdicts[0]).toMatchObject({ result: 'delivered' });
    expect(verdicts[1]).toMatchObject({ result: 'delivered' });
    expect(verdicts[2]).toEqual({ result: 'rejected', error: 'USER_NOT_FOUND: gone' });
    expect(verdicts[3]).toEqual({ result: 'deferred', error: 'INTERNAL_ERROR: boom' });
    expect(verdicts[4]).toMatchObject({ result: 'deferred' });
    expect(verdicts[5]).toMatchObject({ result: 'delivered' });
    expect(verdicts[102]).toMatchObject({ result: 'delivered' });
  });

  it('retries a refused batch item by item, and defers the whole batch while user-service is down', async () => {
    const restores = [message('quota_restore', 'a'), message('quota_restore', 'b')];
    const refused = destinationWith(() => ({ status: 'rejected', failure: { status: 400 } as never }));
    expect(await refused.destination.deliver(restores)).toEqual([
      { result: 'delivered', answer: {} },
      { result: 'delivered', answer: {} },
    ]);
    expect(refused.client.restore).toHaveBeenCalledTimes(2);

    const down = destinationWith(() => ({
      status: 'deferred',
      failure: { message: 'ECONNREFUSED' } as never,
    }));
    const verdicts = await down.destination.deliver(restores);
    expect(verdicts.map((verdict) => verdict.result)).toEqual(['deferred', 'deferred']);
    expect(down.client.restore).not.toHaveBeenCalled();
  });
});
