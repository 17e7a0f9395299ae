import { type BatchItemOutcome, BatchingQueue } from './batching-queue';
import { deferred } from '../testing/deferred';

const ok = <R>(value: R): BatchItemOutcome<R> => ({ ok: true, value });

describe('BatchingQueue', () => {
  it('sends a lone call alone, one event-loop turn later', async () => {
    const batches: number[][] = [];
    const queue = new BatchingQueue<number, number>(async (items) => {
      batches.push(items);
      return items.map((item) => ok(item * 2));
    }, 10);
    await expect(queue.submit(21)).resolves.toBe(42);
    expect(batches).toEqual([[21]]);
  });

  it('sends the calls that arrive during a flight together in the next one, up to maxItems', async () => {
    const batches: number[][] = [];
    const gates = [deferred(), deferred(), deferred()];
    const queue = new BatchingQueue<number, string>(async (items) => {
      batches.push(items);
      await gates[batches.length - 1].promise;
      return items.map((item) => ok(`answer ${item}`));
    }, 3);
    const first = queue.submit(0);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [1, 2, 3, 4].map((item) => queue.submit(item));
    expect(batches).toEqual([[0]]);
    gates[0].resolve();
    await expect(first).resolves.toBe('answer 0');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[0], [1, 2, 3]]);
    gates[1].resolve();
    gates[2].resolve();
    await expect(Promise.all(later)).resolves.toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(batches).toEqual([[0], [1, 2, 3], [4]]);
  });

  it('gives each caller its own item’s failure, and a failed send to every item of its batch', async () => {
    let failWhole = false;
    const queue = new BatchingQueue<string, string>(async (items) => {
      if (failWhole) throw new Error('target down');
      return items.map((item) =>
        item === 'bad' ? { ok: false, error: new Error(`refused ${item}`) } : ok(item.toUpperCase()),
      );
    }, 10);
    const [, good, bad] = await Promise.allSettled([
      queue.submit('first'),
      queue.submit('good'),
      queue.submit('bad'),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: 'GOOD' });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('refused bad') });

    failWhole = true;
    const outcomes = await Promise.allSettled([queue.submit('a'), queue.submit('b')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    failWhole = false;
    await expect(queue.submit('again')).resolves.toBe('AGAIN');
  });

  it('fails an item the answer left out, and survives a sender that throws at once', async () => {
    let calls = 0;
    const gate = deferred();
    const queue = new BatchingQueue<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) await gate.promise;
      return items.slice(0, -1).map(ok);
    }, 10);
    const lone = queue.submit(0);
    await new Promise((resolve) => setImmediate(resolve));
    const [first, second] = [queue.submit(1), queue.submit(2)];
    gate.resolve();
    await expect(lone).rejects.toThrow('item 0 is missing from the batch answer');
    await expect(first).resolves.toBe(1);
    await expect(second).rejects.toThrow('item 1 is missing from the batch answer');

    const throwing = new BatchingQueue<number, number>((items) => {
      if (items[0] === 1) throw new Error('thrown before any promise');
      return Promise.resolve(items.map(ok));
    }, 10);
    await expect(throwing.submit(1)).rejects.toThrow('thrown before any promise');
    await expect(throwing.submit(4)).resolves.toBe(4);
  });

  it('drains: resolves once every accepted call is answered', async () => {
    const gate = deferred();
    const queue = new BatchingQueue<number, number>(async (items) => {
      await gate.promise;
      return items.map(ok);
    }, 10);
    const calls = [queue.submit(1), queue.submit(2)];
    let drained = false;
    const draining = queue.drained().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    gate.resolve();
    await draining;
    await expect(Promise.all(calls)).resolves.toEqual([1, 2]);
  });

  it('sends the calls of one event-loop turn together, the later ones in the next flight', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const queue = new BatchingQueue<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate.promise;
      return items.map(ok);
    }, 10);
    // As the callers of one batched answer: each wakes in its own microtask of the same turn.
    const together = [1, 2, 3].map((item) => Promise.resolve().then(() => queue.submit(item)));
    // The flight's turn comes after this test's first wait (scheduled before the calls were made).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const later = queue.submit(4);
    expect(batches).toEqual([[1, 2, 3]]);
    gate.resolve();
    await expect(Promise.all([...together, later])).resolves.toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('refuses a maxItems below one', () => {
    expect(() => new BatchingQueue(async () => [], 0)).toThrow('maxItems must be ≥ 1, got 0');
  });

  it('sends the items submitted together in one batch, up to maxItems, each with its own outcome', async () => {
    const batches: number[][] = [];
    const queue = new BatchingQueue<number, number>(async (items) => {
      batches.push(items);
      return items.map((item) => (item === 3 ? { ok: false, error: new Error('three') } : ok(item * 10)));
    }, 2);
    await expect(queue.submitAll([1, 2])).resolves.toEqual([10, 20]);
    await expect(queue.submitAll([4, 3, 5])).rejects.toThrow('three');
    await expect(queue.submitAll([])).resolves.toEqual([]);
    expect(batches).toEqual([[1, 2], [4, 3], [5]]);
  });
});
