import type { UsageBatchRequest, UsageBatchResponse, UsageRecordRequest } from '@cloudphone/contracts';
import type { DeliveryOutcome, OutboxMessage } from '@cloudphone/shared';
import type { BillingClient } from '../../integrations/platform-services/billing.client';
import type { AllocationChargesRepository } from './allocation-charges.repository';
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
  const charges = { recordCharges: jest.fn(async () => new Set<string>()) };
  const destination = new BillingServiceReportsDestination(
    client as unknown as BillingClient,
    charges as unknown as AllocationChargesRepository,
  );
  return { destination, client, charges };
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
    // A delivered report carries its item of the answer (what billing charged).
    expect(verdicts[0]).toEqual({ result: 'delivered', answer: { allocationId: 'a0', status: 'recorded' } });
    expect(verdicts[1]).toEqual({ result: 'rejected', error: 'USAGE_CONFLICT: differs' });
    expect(verdicts[2]).toEqual({ result: 'deferred', error: 'PRICE_PLAN_MISSING: no plan' });
    expect(verdicts[3]).toMatchObject({ result: 'deferred' });
    expect(verdicts[4]).toEqual({ result: 'delivered', answer: { allocationId: 'a4', status: 'duplicate' } });
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

  it('settles every delivered report, storing the charges the answers carry', async () => {
    const { destination, charges } = destinationWith({});
    const usage = (allocationId: string) => ({
      usageId: 'u',
      allocationId,
      amountMinor: '180',
      balanceMinor: '20',
      currency: 'USD',
      duplicate: false,
    });
    const first = { ...message('a0'), id: '00000000-0000-4000-8000-000000000001' };
    const second = { ...message('a1'), id: '00000000-0000-4000-8000-000000000002' };
    const third = { ...message('a2'), id: '00000000-0000-4000-8000-000000000003' };
    await destination.settleDelivered([
      { message: first, answer: usage('a0') },
      { message: second, answer: { allocationId: 'a1', status: 'duplicate', usage: usage('a1') } },
      { message: third, answer: { ...usage('a2'), currency: undefined } }, // an older billing-service
    ]);
    expect(charges.recordCharges).toHaveBeenCalledWith(
      [
        { allocationId: 'a0', amountMinor: '180', currency: 'USD' },
        { allocationId: 'a1', amountMinor: '180', currency: 'USD' },
      ],
      [first.id, second.id, third.id],
    );
  });
});
