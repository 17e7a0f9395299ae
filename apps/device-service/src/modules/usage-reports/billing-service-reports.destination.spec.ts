import type { UsageBatchRequest, UsageBatchResponse, UsageRecordRequest } from '@cloudphone/contracts';
import type { DeliveryOutcome, OutboxMessage } from '@cloudphone/shared';
import type { BillingClient } from '../../integrations/platform-services/billing.client';
import { BillingServiceReportsDestination } from './billing-service-reports.destination';

const failure = (message: string) => ({ message }) as never;

function message(allocationId: string): OutboxMessage {
  return {
    rowId: allocationId,
    id: '00000000-0000-4000-8000-000000000000',
    destination: 'billing-service',
    type: 'report.billing_usage',
    key: allocationId,
    attempts: 0,
    data: { allocationId } as UsageRecordRequest,
  };
}

function destinationWith(billing: {
  batch?: (request: UsageBatchRequest) => DeliveryOutcome<UsageBatchResponse>;
  one?: (request: UsageRecordRequest) => DeliveryOutcome<unknown>;
}) {
  const client = {
    recordUsageBatch: jest.fn(async (request: UsageBatchRequest) => billing.batch!(request)),
    recordUsage: jest.fn(async (request: UsageRecordRequest) => billing.one!(request)),
  };
  const destination = new BillingServiceReportsDestination(client as unknown as BillingClient);
  return { destination, client };
}

describe('BillingServiceReportsDestination', () => {
  it('sends reports in batches of 100 and reads each item of the answer', async () => {
    const messages = Array.from({ length: 102 }, (_, index) => message(`a${index}`));
    const { destination, client } = destinationWith({
      batch: (request) => ({
        status: 'delivered',
        response: {
          results: request.items.map((item, index) => {
            if (item.allocationId === 'a1')
              return {
                allocationId: 'a1',
                status: 'failed',
                errorCode: 'USAGE_CONFLICT',
                errorMessage: 'differs',
              };
            if (item.allocationId === 'a2')
              return {
                allocationId: 'a2',
                status: 'failed',
                errorCode: 'PRICE_PLAN_MISSING',
                errorMessage: 'no plan',
              };
            // An answer out of step with the request (a wrong id) is never taken as delivered.
            if (index === 3) return { allocationId: 'someone-else', status: 'recorded' };
            return { allocationId: item.allocationId, status: index === 4 ? 'duplicate' : 'recorded' };
          }),
        } as UsageBatchResponse,
      }),
      one: () => ({ status: 'delivered', response: {} }),
    });
    const verdicts = await destination.deliver(messages);
    // A batch of 100, then one of the last two.
    expect(client.recordUsageBatch.mock.calls.map(([request]) => request.items.length)).toEqual([100, 2]);
    expect(verdicts).toHaveLength(102);
    expect(verdicts[0]).toEqual({ result: 'delivered' });
    expect(verdicts[1]).toEqual({ result: 'rejected', error: 'USAGE_CONFLICT: differs' });
    expect(verdicts[2]).toEqual({ result: 'deferred', error: 'PRICE_PLAN_MISSING: no plan' });
    expect(verdicts[3]).toMatchObject({ result: 'deferred' });
    expect(verdicts[4]).toEqual({ result: 'delivered' });
  });

  it('retries a refused batch item by item, so one bad report does not hold back the others', async () => {
    const { destination, client } = destinationWith({
      batch: () => ({ status: 'rejected', failure: failure('400 VALIDATION_FAILED') }),
      one: (request) =>
        request.allocationId === 'bad'
          ? { status: 'rejected', failure: failure('400 VALIDATION_FAILED') }
          : { status: 'delivered', response: {} },
    });
    const verdicts = await destination.deliver([message('good'), message('bad'), message('fine')]);
    expect(client.recordUsage).toHaveBeenCalledTimes(3);
    expect(verdicts.map((verdict) => verdict.result)).toEqual(['delivered', 'rejected', 'delivered']);
  });

  it('defers the whole batch while billing-service is unreachable, keeping its Retry-After', async () => {
    const { destination } = destinationWith({
      batch: () => ({ status: 'deferred', failure: failure('503 Service Unavailable'), retryAfterMs: 7000 }),
    });
    expect(await destination.deliver([message('a'), message('b')])).toEqual([
      { result: 'deferred', error: '503 Service Unavailable', retryAfterMs: 7000 },
      { result: 'deferred', error: '503 Service Unavailable', retryAfterMs: 7000 },
    ]);
  });

  it('defers a single report whose call threw', async () => {
    const { destination } = destinationWith({
      one: () => {
        throw new Error('socket hang up');
      },
    });
    expect(await destination.deliver([message('a')])).toEqual([
      { result: 'deferred', error: 'socket hang up' },
    ]);
  });
});
