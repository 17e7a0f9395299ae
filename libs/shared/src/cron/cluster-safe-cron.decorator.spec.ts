import { ClusterSafeCron, clusterSafeCronMetadata } from './cluster-safe-cron.decorator';
import type { ClusterSafeCronOptions } from './cron.types';

function defineJob(expression: string, options?: ClusterSafeCronOptions) {
  class Job {
    @ClusterSafeCron(expression, options)
    run(): string {
      return 'ran';
    }
  }
  return Job;
}

describe('@ClusterSafeCron', () => {
  it('stores the expression and options on the method, and nothing else', () => {
    const Job = defineJob('*/5 * * * * *', { name: 'every-five', overlap: 'wait', catchUp: true });
    expect(clusterSafeCronMetadata(Job.prototype.run)).toEqual({
      expression: '*/5 * * * * *',
      options: { name: 'every-five', overlap: 'wait', catchUp: true },
    });
  });

  it.each([
    ['a malformed expression', 'every minute', {}, 'invalid expression'],
    ['an unknown time zone', '* * * * *', { timeZone: 'Nowhere/City' }, 'time zone'],
    ['a name unusable in URLs and keys', '* * * * *', { name: 'bad name/with slash' }, 'name'],
    ['a non-positive maxRunMs', '* * * * *', { maxRunMs: 0 }, 'maxRunMs'],
    ['a negative jitter', '* * * * *', { jitterMs: -1 }, 'jitterMs'],
    ['an unknown overlap policy', '* * * * *', { overlap: 'queue' as 'skip' }, 'overlap'],
  ])('stops the class from loading with %s', (_case, expression, options, message) => {
    expect(() => defineJob(expression, options)).toThrow(message);
  });
});
