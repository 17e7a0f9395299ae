import { EventLoopHealthIndicator } from './event-loop.health-indicator';

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // A wedged event loop, on purpose.
  }
}

describe('EventLoopHealthIndicator', () => {
  it('passes on an idle loop and fails after a stall longer than its limit', async () => {
    const indicator = new EventLoopHealthIndicator(150);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(indicator.check()).resolves.toBeUndefined();
      blockFor(400);
      await new Promise((resolve) => setTimeout(resolve, 60));
      await expect(indicator.check()).rejects.toThrow(/event loop delay p99 \d+ ms exceeds 150 ms/);
    } finally {
      indicator.stop();
    }
  });
});
