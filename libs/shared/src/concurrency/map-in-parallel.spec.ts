import { setTimeout as sleep } from 'node:timers/promises';
import { mapInParallel } from './map-in-parallel';

describe('mapInParallel', () => {
  it('keeps at most `limit` calls in flight and answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapInParallel([30, 5, 20, 1, 10, 2], 3, async (ms, index) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(ms);
      inFlight -= 1;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    expect(most).toBe(3);
  });

  it('answers nothing for nothing and rejects with the first failure', async () => {
    expect(await mapInParallel([], 4, async () => 1)).toEqual([]);
    await expect(
      mapInParallel([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});
