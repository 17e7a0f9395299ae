import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  it('allows the minimum, then a share of the requests in the window', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerWindow: 2, windowMs: 10_000 }, () => now);

    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);

    for (let request = 0; request < 10; request += 1) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);

    now = 5_000;
    for (let request = 0; request < 5; request += 1) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('forgets requests and retries once they leave the sliding window', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerWindow: 0, windowMs: 1_000 }, () => now);
    for (let request = 0; request < 4; request += 1) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);

    now = 1_050;
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.recordRequest();
    budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });
});
