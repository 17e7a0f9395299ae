import { CoalescedRuns } from './coalesced-runs';
import { deferred } from '../testing/deferred';

describe('CoalescedRuns', () => {
  it('runs once for a lone caller', async () => {
    const runs = new CoalescedRuns();
    let count = 0;
    await runs.run('tag', async () => void (count += 1));
    expect(count).toBe(1);
  });

  it('gives callers arriving during a run one shared run that starts after it', async () => {
    const runs = new CoalescedRuns();
    const started: number[] = [];
    const gates = [deferred(), deferred()];
    const action = () => {
      started.push(started.length);
      return gates[started.length - 1].promise;
    };
    const first = runs.run('tag', action);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0]);
    const settled: string[] = [];
    const later = [1, 2, 3].map((caller) =>
      runs.run('tag', action).then(() => settled.push(`caller ${caller}`)),
    );
    await Promise.resolve();
    expect(started).toEqual([0]);
    gates[0].resolve();
    await first;
    // The next run begins one event-loop turn after it was asked for.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // The second run started only after the first ended, and nobody later is done before it ends.
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([]);
    gates[1].resolve();
    await Promise.all(later);
    expect(settled).toHaveLength(3);
    expect(started).toHaveLength(2);
  });

  it('gives the callers of one event-loop turn one run', async () => {
    const runs = new CoalescedRuns();
    let count = 0;
    const calls = [1, 2, 3].map(() =>
      Promise.resolve().then(() => runs.run('tag', async () => void (count += 1))),
    );
    await Promise.all(calls);
    expect(count).toBe(1);
  });

  it('keeps ids apart and starts afresh once idle, even after a failed run', async () => {
    const runs = new CoalescedRuns();
    let count = 0;
    await Promise.all([
      runs.run('a', async () => void (count += 1)),
      runs.run('b', async () => void (count += 1)),
    ]);
    expect(count).toBe(2);
    await expect(runs.run('a', () => Promise.reject(new Error('redis gone')))).rejects.toThrow('redis gone');
    await runs.run('a', async () => void (count += 1));
    expect(count).toBe(3);
  });
});
