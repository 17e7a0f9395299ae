import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncContextKey } from './async-context';

describe('AsyncContextKey', () => {
  const request = new AsyncContextKey<string>('request');
  const transaction = new AsyncContextKey<{ id: number }>('transaction');

  it('carries each key across awaits, the innermost run winning, the other keys kept', async () => {
    expect(request.getStore()).toBeUndefined();
    await request.run('r1', async () => {
      await sleep(1);
      expect(request.getStore()).toBe('r1');
      await transaction.run({ id: 1 }, async () => {
        await sleep(1);
        expect(request.getStore()).toBe('r1');
        expect(transaction.getStore()).toEqual({ id: 1 });
        await request.run('r2', async () => {
          await sleep(1);
          expect(request.getStore()).toBe('r2');
          expect(transaction.getStore()).toEqual({ id: 1 });
        });
        expect(request.getStore()).toBe('r1');
      });
      expect(transaction.getStore()).toBeUndefined();
    });
    expect(request.getStore()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((id, index) =>
        request.run(id, async () => {
          await sleep(3 - index);
          return request.getStore();
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('tells apart two keys of the same name', () => {
    const other = new AsyncContextKey<string>('request');
    request.run('mine', () => {
      expect(other.getStore()).toBeUndefined();
      other.run('theirs', () => expect(request.getStore()).toBe('mine'));
    });
  });
});
