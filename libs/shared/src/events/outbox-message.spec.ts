import {
  deliverInSlices,
  deliveryVerdictOf,
  type OutboxMessage,
  outboxMessageId,
  verdictOfCall,
} from './outbox-message';

const failure = (message: string) => ({ message }) as never;

describe('outbox messages', () => {
  it('derives one stable uuid from the parts that make a message unique', () => {
    const id = outboxMessageId('0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0010', 'billing_usage');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(outboxMessageId('0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0010', 'billing_usage')).toBe(id);
    expect(outboxMessageId('0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0010', 'quota_restore')).not.toBe(id);
    // Joined with ':' as migration 0004's SQL joins them: parts must not contain ':' themselves.
    expect(outboxMessageId('a:b', 'c')).toBe(outboxMessageId('a', 'b:c'));
  });

  it('maps a lenient call: delivered, refused for good, or deferred (with Retry-After, or when it throws)', async () => {
    expect(deliveryVerdictOf({ status: 'delivered', response: { id: 1 } })).toEqual({
      result: 'delivered',
      answer: { id: 1 },
    });
    expect(deliveryVerdictOf({ status: 'rejected', failure: failure('422 nope') })).toEqual({
      result: 'rejected',
      error: '422 nope',
    });
    expect(deliveryVerdictOf({ status: 'deferred', failure: failure('503'), retryAfterMs: 5000 })).toEqual({
      result: 'deferred',
      error: '503',
      retryAfterMs: 5000,
    });
    expect(
      await verdictOfCall(() => {
        throw new Error('socket hang up');
      }),
    ).toEqual({ result: 'deferred', error: 'socket hang up' });
    expect(await verdictOfCall(() => Promise.reject(new Error('ECONNRESET')))).toEqual({
      result: 'deferred',
      error: 'ECONNRESET',
    });
  });

  it('answers in slices, one after another, in order', async () => {
    const messages = Array.from({ length: 7 }, (_, index) => ({ rowId: String(index) }) as OutboxMessage);
    const slices: string[][] = [];
    const verdicts = await deliverInSlices(messages, 3, async (slice) => {
      slices.push(slice.map((message) => message.rowId));
      return slice.map(() => ({ result: 'delivered' as const }));
    });
    expect(slices).toEqual([['0', '1', '2'], ['3', '4', '5'], ['6']]);
    expect(verdicts).toHaveLength(7);
    expect(await deliverInSlices([], 3, async () => [])).toEqual([]);
  });
});
